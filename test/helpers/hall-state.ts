// A terminal's state report as it travels on the hall bus (hcp/<hall>/<terminal>/state):
// one sample, kept in step with the contract, for the console's tests and bench.

export const SAMPLE_HALL = '350521';

/** A serving counter terminal in hall 350521, every part well; `over` replaces fields. */
export function stateReport(over: Record<string, unknown> = {}) {
  return {
    terminalId: 'HA-0001',
    hallId: SAMPLE_HALL,
    windowNo: '12',
    mode: 'counter',
    version: '0.2.0',
    clerk: { id: '0427', name: '林晓', status: 'serving' },
    keypad: 'online',
    store: 'ok',
    platform: { state: 'online', queued: 0, rejected: 0, oldestQueuedAt: null },
    prompt: 'none',
    training: false,
    at: '2026-11-29 14:30:00',
    ...over,
  };
}
