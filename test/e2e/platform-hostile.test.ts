// A platform's answer is input like any other. Through the installed `serve` process,
// a rating pressed on the KP/1 keypad meets each hostile answer its profile could get
// with HTTP 200 — 100 MB, entity expansion (billion laughs), bytes that are not GBK, an
// HTML error page, JSON with fields of the wrong types or nested past any stack — and
// each must end as `offline`: the process alive, its peak memory grown far less than
// the body, the rating kept (not set aside), and delivered once the platform answers
// properly again.
import { afterEach, describe, expect, it } from 'vitest';
import { PATIENCE_MS, type Profile, ProfileHall } from '../helpers/profile-hall.js';
import type { Hostile } from '../sim/fujian-sim.js';
import type { NationalHostile } from '../sim/national-sim.js';

const halls: ProfileHall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

const HUGE_BYTES = 100 * 1024 * 1024;

type Kind = NationalHostile | Hostile;

const KINDS: Record<Profile, [Kind, RegExp][]> = {
  national: [
    ['huge', /too large/],
    ['html', /not JSON/],
    ['wrong-types', /"code" is not a code/],
    ['deep-nesting', /not JSON|not a JSON object/],
  ],
  fujian: [
    ['huge', /too large/],
    ['billion-laughs', /not well-formed XML \(or declares entities\)/],
    ['invalid-gbk', /not valid GBK/],
    ['html', /not well-formed XML|no SOAP Body/],
  ],
};

function setHostile(h: ProfileHall, kind: Kind | null): void {
  if (h.national) {
    h.national.faults.html = kind === 'html';
    h.national.faults.hostile = kind === 'html' ? null : (kind as NationalHostile | null);
  } else if (h.fujian) h.fujian.faults.hostile = kind as Hostile | null;
}

/** A 满意 with one indicator, pressed on the keypad. */
async function rate(h: ProfileHall, transactionId: string): Promise<void> {
  await h.prompt({ transactionId });
  await h.press(2);
  await h.until((s) => s.kind === 'indicators', 'the indicators screen');
  await h.choose(['413']);
}

describe.each<Profile>(['national', 'fujian'])('hostile answers to platform.profile %s', (profile) => {
  it('each is offline: retried, bounded in memory, nothing set aside, then delivered', {
    timeout: 180_000,
  }, async () => {
    const h = await ProfileHall.open({ profile });
    halls.push(h);
    await h.signIn();
    // One rating delivered first: the memory measured below is not the first rating's warm-up.
    await rate(h, 'E2E-WARM');
    await h.arrivedCount(1);
    for (const [i, [kind, why]] of KINDS[profile].entries()) {
      setHostile(h, kind);
      const peakBefore = h.peakRss();
      await rate(h, `E2E-HOSTILE-${i}`);
      await expect
        .poll(async () => (await h.diagnostics()).platform.state, { timeout: PATIENCE_MS })
        .toBe('offline');
      expect(h.process.child.exitCode, `serve still running after ${kind}`).toBeNull();
      if (kind === 'huge') {
        // Reading stops at the transport's cap: the peak grows by far less than the body.
        expect(h.peakRss() - peakBefore).toBeLessThan(HUGE_BYTES / 4);
      }
      const view = await h.diagnostics();
      expect(view.platform, kind).toMatchObject({ state: 'offline', pending: 1, rejected: 0 });
      expect(view.platform.lastError).toMatch(why);
      expect(view.rejected).toEqual([]);
      setHostile(h, null);
      await h.arrivedCount(i + 2);
      await expect
        .poll(() => h.health(), { timeout: PATIENCE_MS })
        .toMatchObject({
          platform: 'online',
          queue: { pending: 0, rejected: 0 },
        });
    }
    expect(h.arrived().map((a) => a.projectNo)).toEqual([
      'E2E-WARM',
      ...KINDS[profile].map((_, i) => `E2E-HOSTILE-${i}`),
    ]);
    expect(h.repeats()).toBe(0);
  });
});
