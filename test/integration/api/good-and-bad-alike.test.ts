// With api.revealRatings off, nothing the business system can read tells a 好评 from a
// 差评 but the time things take: the answers, the event stream and the token-less
// /v1/health go through the same sequence. Run as a whole on a real running terminal
// (store, forwarder, a platform simulator that holds its answers a while, the API and
// its event stream), once with a one-press 非常满意 and once with a 非常不满意 whose
// citizen ticks two reasons (and goes back to change the level on the way).
import { terminalClient } from 'haochaping-terminal/client';
import { afterEach, describe, expect, it } from 'vitest';
import { answered, clerkJson, promptJson } from '../../helpers/api-rig.js';
import { waitFor } from '../../helpers/cli.js';
import { startTestTerminal } from '../../helpers/running.js';
import { listenSse, type SseListener } from '../../helpers/sse.js';
import { PlatformSim } from '../../sim/platform-sim.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const APP = { appMark: 'HA-APP', secret: 'platform-secret-1' };
/** Long enough that the queue is seen holding the rating before the platform answers. */
const PLATFORM_DELAY_MS = 4_000;

/** What the business system saw, in order, with ids and times replaced by their kind. */
async function whatTheBusinessSystemSees(rating: 'good' | 'bad'): Promise<unknown[]> {
  const sim = await PlatformSim.start(APP);
  cleanup.push(() => sim.close());
  const { running } = await startTestTerminal({
    config: { platform: { url: sim.url, ...APP }, prompt: { reasonsTimeoutSeconds: 60 } },
  });
  cleanup.push(() => running.stop());
  // The business system, through the client generated from the OpenAPI document.
  const api = terminalClient({ baseUrl: running.api.url.replace(/\/v1$/, '') });
  const ask = async (call: Parameters<typeof answered>[0]) => {
    const { status, body } = await answered(call);
    return { status, body };
  };
  expect((await ask(api.PUT('/v1/clerk', { body: clerkJson }))).status).toBe(200);
  await waitFor(() => running.forwarding.status().state === 'online', 'the platform to be online');
  sim.faults.delayMs = PLATFORM_DELAY_MS;

  const stream: SseListener = listenSse(`${running.api.url}/events`);
  cleanup.push(() => stream.close());
  await waitFor(() => stream.comments.length > 0, 'the event stream to open');
  const prompts = () => stream.events.filter((e) => e.event === 'prompt').map((e) => e.data);
  const platform = () => stream.events.filter((e) => e.event === 'platform').map((e) => e.data);

  const seen: unknown[] = [];
  let id = '';
  const hide = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replaceAll(id || '\u0000', '<prompt id>')
        .replace(/"expiresAt":"[^"]+"/g, '"expiresAt":"<time>"'),
    );
  const health = async () => (await ask(api.GET('/v1/health'))).body;
  const look = async (moment: string) => {
    seen.push([moment, 'prompt', hide(await ask(api.GET('/v1/prompts/{id}', { params: { path: { id } } })))]);
    seen.push([moment, 'current', hide(await ask(api.GET('/v1/prompts/current')))]);
    seen.push([moment, 'health', await health()]);
  };

  const opened = await ask(api.POST('/v1/prompts', { body: promptJson({ transactionId: 'TX-ALIKE-1' }) }));
  id = opened.body.id;
  seen.push(['POST', hide(opened)]);
  await look('opened');

  const t = running.terminal;
  t.intent({ type: 'rate', level: rating === 'good' ? 5 : 1 });
  await waitFor(() => prompts().some((p) => p.status === 'rated'), 'the event of the first rating');
  // The moment the business system learns of the rating: the queue holds it, whatever its level.
  seen.push(['first rating', 'health', await health()]);
  if (rating === 'bad') {
    t.intent({ type: 'toggle_reason', code: '109' });
    t.intent({ type: 'change_level' });
    t.intent({ type: 'back_to_reasons' });
    t.intent({ type: 'toggle_reason', code: '105' });
    seen.push(['first rating', 'health', await health()]);
    t.intent({ type: 'submit_reasons' });
  } else {
    seen.push(['first rating', 'health', await health()]);
  }
  await waitFor(() => prompts().some((p) => p.final), 'the final event');
  // The platform holds its answer a while: the rating is still queued.
  await look('final');
  await waitFor(() => platform().some((p) => p.pending === 0), 'the delivery');
  await waitFor(() => sim.accepted.size === 1, 'the platform to hold the rating');
  await look('delivered');
  seen.push(['events', hide(stream.events)]);
  return seen;
}

describe('a 好评 and a 差评, as the business system sees them (revealRatings off)', {
  timeout: 90_000,
}, () => {
  it('give the same answers, events and health figures', async () => {
    const good = await whatTheBusinessSystemSees('good');
    const bad = await whatTheBusinessSystemSees('bad');
    // Not alike merely because nothing happened: the queue rose and fell, the prompt ended.
    expect(good).toContainEqual([
      'first rating',
      'health',
      expect.objectContaining({ queue: { pending: 1, rejected: 0 } }),
    ]);
    expect(good.at(-1)).toEqual([
      'events',
      [
        { event: 'prompt', data: expect.objectContaining({ status: 'open', final: false }) },
        { event: 'prompt', data: expect.objectContaining({ status: 'rated', final: false }) },
        { event: 'platform', data: { state: 'online', pending: 1 } },
        { event: 'prompt', data: expect.objectContaining({ status: 'rated', final: true }) },
        { event: 'platform', data: { state: 'online', pending: 0 } },
      ],
    ]);
    expect(bad).toEqual(good);
  });
});
