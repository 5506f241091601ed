// The log a technician reads cannot tell how a citizen rated. Two whole sessions on a
// real running terminal (KP/1 keypad simulator on a socat serial line, store, forwarder
// to a platform simulator, the local API, the file log): one prompt rated 非常满意 with
// one key, one rated 非常不满意 with two reasons and five keys (5, then 3, 2, 3, 5 — the
// very codes that would rebuild the delivered evalDetail). Their logs differ in nothing
// but times and ids; keys pressed outside the prompt are logged in both.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningTerminal } from '../../../src/engine/running-terminal.js';
import { callApi } from '../../helpers/api-call.js';
import { clerkJson, promptJson } from '../../helpers/api-rig.js';
import { waitFor } from '../../helpers/cli.js';
import { startTestTerminal } from '../../helpers/running.js';
import { startPtyPair } from '../../helpers/socat.js';
import { KeypadSim, type SimKey } from '../../sim/keypad-sim.js';
import { PlatformSim } from '../../sim/platform-sim.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

type Line = Record<string, unknown> & { event: string };
const APP = { appMark: 'HA-APP', secret: 'platform-secret-1' };

function readLog(running: RunningTerminal): Line[] {
  return readFileSync(running.logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

/** One session: a key outside any prompt, the prompt rated with `keys`, a key after it. */
async function session(
  keys: SimKey[],
): Promise<{ lines: Line[]; dir: string; accepted: Record<string, unknown> }> {
  const sim = await PlatformSim.start(APP);
  cleanup.push(() => sim.close());
  const pty = await startPtyPair();
  cleanup.push(() => pty.close());
  const { running, dir } = await startTestTerminal({
    config: {
      keypad: { driver: 'frame', path: pty.a },
      platform: { url: sim.url, ...APP },
      prompt: { reasonsTimeoutSeconds: 60 },
    },
  });
  let stopped = false;
  cleanup.push(async () => {
    if (!stopped) await running.stop();
  });
  const logged = (event: string) => readLog(running).some((l) => l.event === event);
  await waitFor(
    () => logged('platform_state') && logged('keypad_port_opened'),
    'the platform and the serial port',
  );
  const keypad = new KeypadSim({ path: pty.b });
  await keypad.open();
  cleanup.push(() => keypad.close());
  await waitFor(() => logged('keypad_online'), 'the keypad online');
  const api = (method: string, path: string, body?: unknown) => callApi(running.api.url, method, path, body);
  expect((await api('PUT', '/clerk', clerkJson)).status).toBe(200);

  // Before the prompt: a key on the idle screen is keypad activity a technician may need.
  expect((await keypad.press(3)).acked).toBe(true);
  const opened = await api('POST', '/prompts', promptJson({ transactionId: 'TX-LOG-ALIKE' }));
  expect(opened.status).toBe(201);
  await keypad.waitFor((r) => r.some((c) => c.cmd === 'arm' && c.on), 'ARM on');
  // Well past a press "sooner than humanly possible", so neither rating is flagged fast.
  await new Promise((r) => setTimeout(r, 800));
  for (const key of keys) expect((await keypad.press(key)).acked).toBe(true);
  await waitFor(() => sim.accepted.size === 1, 'the rating at the platform');
  await waitFor(() => running.forwarding.status().pending === 0, 'the queue to empty');
  // After it (the thank-you, then idle): logged again.
  expect((await keypad.press(4)).acked).toBe(true);
  await waitFor(() => readLog(running).filter((l) => l.event === 'keypad_key').length >= 2, 'the key after');
  await running.stop();
  stopped = true;
  const [accepted] = [...sim.accepted.values()];
  return { lines: readLog(running), dir, accepted: accepted as Record<string, unknown> };
}

/** Times, ids and the session's own folder replaced by their kind. */
function normalised(lines: Line[], dir: string): unknown[] {
  const ids = new Map<string, string>();
  const id = (value: string): string => {
    if (!ids.has(value)) ids.set(value, `<id ${ids.size + 1}>`);
    return ids.get(value) as string;
  };
  const text = (value: string) =>
    value
      .replaceAll(dir, '<dir>')
      .replace(/\/tmp\/hcp-pty-[^/"]+/g, '<pty>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, id)
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  const out = lines.map((l) => {
    const { t: _t, ...rest } = l;
    return JSON.parse(text(JSON.stringify(rest))) as Line;
  });
  // Start-up (serial port, keypad, platform) comes in whatever order its I/O finishes:
  // compared as a set. From the clerk's sign-in on, the order is the session's own.
  const from = out.findIndex((l) => l.event === 'clerk_signed_in');
  const startup = out
    .slice(0, from)
    .map((l) => JSON.stringify(l))
    .sort();
  return [startup, out.slice(from)];
}

describe('the log of a 非常满意 and of a 非常不满意 with reasons', { timeout: 120_000 }, () => {
  it('differ in nothing but times and ids, and keep the keys pressed outside the prompt', async () => {
    const good = await session([1]);
    const bad = await session([5, 3, 2, 3, 5]);
    // The keys did rate as meant: the platform holds a 非常满意 and a 非常不满意 with two reasons.
    expect(good.accepted).toMatchObject({ satisfaction: 5 });
    expect(bad.accepted).toMatchObject({ satisfaction: 1 });
    expect(String(bad.accepted.evalDetail).split(',')).toHaveLength(2);

    const [goodStart, goodSession] = normalised(good.lines, good.dir) as [string[], Line[]];
    const [badStart, badSession] = normalised(bad.lines, bad.dir) as [string[], Line[]];
    expect(badStart).toEqual(goodStart);
    expect(badSession).toEqual(goodSession);

    // Not alike merely because the log is empty: the session is all there, the keys
    // outside the prompt included, and not one key line between the prompt's open and end.
    const events = goodSession.map((l) => l.event);
    for (const event of [
      'clerk_signed_in',
      'prompt_opened',
      'rating_committed',
      'prompt_ended',
      'batches_forwarded',
    ])
      expect(events, event).toContain(event);
    const keyLines = goodSession.filter((l) => l.event === 'keypad_key');
    expect(keyLines).toEqual([
      { level: 'info', event: 'keypad_key', code: 3 },
      { level: 'info', event: 'keypad_key', code: 4 },
    ]);
    const opened = events.indexOf('prompt_opened');
    const after = events.indexOf('keypad_key', opened);
    expect(events.slice(opened, after)).not.toContain('keypad_key');
    expect(after).toBeGreaterThan(events.indexOf('prompt_ended'));
  });
});
