// The conformance check docs/kp1.md gives keypad makers, run against the reference
// keypad (the simulator) on a real pty pair: it passes a keypad that keeps the protocol,
// and names the rule a misbehaving one breaks.
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckResult, runKp1Check } from '../../../scripts/kp1-conformance.js';
import { type PtyPair, startPtyPair } from '../../helpers/socat.js';
import { KeypadSim } from '../../sim/keypad-sim.js';

const open: { pair: PtyPair; sim: KeypadSim }[] = [];
afterEach(async () => {
  for (const { pair, sim } of open.splice(0)) {
    await sim.close();
    await pair.close();
  }
});

async function checkAgainst(setup: (sim: KeypadSim) => void = () => {}): Promise<CheckResult[]> {
  const pair = await startPtyPair();
  const sim = new KeypadSim({ path: pair.b, model: 'KP-REF', firmware: '1.0.0', serialNo: 'SIM-0001' });
  open.push({ pair, sim });
  setup(sim);
  await sim.open();
  // The simulator is the person pressing keys.
  return runKp1Check({ path: pair.a, ask: (key) => void sim.press(key), keyTimeoutMs: 10_000 });
}

const broken = (results: CheckResult[]) => results.filter((r) => !r.ok).map((r) => r.rule);

describe('KP/1 conformance check', () => {
  it('passes the reference keypad on every rule', async () => {
    const results = await checkAgainst();
    expect(broken(results), JSON.stringify(results, null, 1)).toEqual([]);
    expect(results.map((r) => r.rule)).toEqual(
      expect.arrayContaining([
        'HELLO answers QUERY within 2 s',
        'an unACKed KEY is retransmitted, unchanged (same SEQ)',
        'an ACKed KEY pause is not sent again',
        'noise and a frame with a bad CRC do not stall it (QUERY still answered)',
      ]),
    );
    expect(results.length).toBeGreaterThan(20);
  }, 120_000);

  it('fails a keypad that never retransmits', async () => {
    const results = await checkAgainst((sim) => {
      sim.retransmit = false;
    });
    expect(broken(results)).toEqual(['an unACKed KEY is retransmitted, unchanged (same SEQ)']);
  }, 120_000);

  it('fails a keypad that does not hear ACKs, and one stuck down', async () => {
    const results = await checkAgainst((sim) => {
      sim.deafToAcks = true;
      sim.stuckKey = true;
    });
    const rules = broken(results);
    expect(rules).toContain('HEARTBEAT reports no stuck key while none is held');
    expect(rules).toContain('an ACKed KEY 2 is not sent again');
    expect(rules).toContain('an ACKed KEY pause is not sent again');
  }, 120_000);
});
