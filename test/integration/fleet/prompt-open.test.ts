// The state message's `prompt`: open from the prompt's opening until it is final, whatever
// its screen. A 好评 whose optional indicators are on screen is not final yet, so the hall
// sees the window busy (before the fleet read the source's promptOpen, it said `none` there).
import { describe, expect, it } from 'vitest';
import { request } from '../../helpers/core-fixture.js';
import { json, Recorder, type Seen, startBroker } from '../../helpers/mosquitto.js';
import { BASE, fleetRig, section } from './rig.js';

const isState = (test: (s: Record<string, unknown>) => boolean) => (m: Seen) =>
  m.topic === `${BASE}/state` && test(json(m));

describe('the fleet state of a prompt on its indicators screen', () => {
  it('stays open until the indicators are done, then none', { timeout: 60_000 }, async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const rig = fleetRig(section(broker.url), { goodIndicators: 'optional' });
    await rec.next(
      isState((s) => s.clerk !== null),
      'signed in',
    );

    rig.terminal.openPrompt(request({ transactionId: 'TX-IND' }));
    await rec.next(
      isState((s) => s.prompt === 'open'),
      'prompt open',
    );
    let from = rec.seen.length;
    rig.terminal.intent({ type: 'rate', level: 5 });
    expect(rig.terminal.view().screen.kind).toBe('indicators');
    // The rating is committed (queued) while the indicators are on screen: the state says so,
    // and still says the prompt is open.
    const rated = json(
      await rec.next(
        isState((s) => (s.platform as any).queued === 1),
        'rated',
        20_000,
        from,
      ),
    );
    expect(rated.prompt).toBe('open');

    from = rec.seen.length;
    rig.terminal.intent({ type: 'submit_reasons' });
    expect(rig.terminal.view().screen.kind).not.toBe('indicators');
    await rec.next(
      isState((s) => s.prompt === 'none'),
      'final: none',
      20_000,
      from,
    );
  });
});
