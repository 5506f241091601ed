import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { TerminalConfig } from '../../../src/config/terminal-config.js';
import { cstDateTime } from '../../../src/core/cst.js';
import { createDiagnostics, LOCKOUT_MS, MAX_WRONG_PINS } from '../../../src/engine/diagnostics.js';
import type { Forwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function rig(pin: string | null, training = false) {
  const dir = tempDir();
  const file = join(dir, 'config.json');
  const loaded = loadConfig(null, { dataDir: dir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const config: TerminalConfig = {
    ...loaded.config,
    terminal: { ...loaded.config.terminal, training },
    source: { file },
    platform: {
      url: 'http://127.0.0.1:9/api',
      profile: 'reference',
      appMark: 'A',
      secret: 'platform-secret',
      channel: 4,
      timeoutSeconds: 10,
    },
    api: { ...loaded.config.api, token: 'api-token-value' },
    diagnostics: { pin },
  };
  const terminal = new Terminal({
    config: coreConfig({ training }),
    openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key'), training }),
  });
  terminal.start();
  stops.push(() => terminal.stop());
  let requeued = 0;
  // The forwarder's own tests cover sending; here only what diagnostics reads of it.
  const forwarding: Forwarding = {
    stop: async () => undefined,
    reload: () => undefined,
    status: () => ({
      state: 'offline',
      pending: 2,
      rejected: 1,
      lastDeliveryAt: null,
      lastError: 'connect ECONNREFUSED',
      nextAttemptAt: 5,
    }),
    rejected: () => [
      { promptId: 'p', id: 'r-1', transactionId: 'TX-9', ratedAt: 1, code: 'E1', message: 'bad dept' },
    ],
    requeueRejected: () => {
      requeued += 1;
      return 1;
    },
  };
  const clock = new FakeClock();
  const diagnostics = createDiagnostics({
    config,
    terminal,
    keypad: {
      stop: async () => undefined,
      info: () => ({ driver: 'none', state: 'none', fault: null, hello: null, path: null, portOpen: false }),
    },
    forwarding,
    version: '9.9.9',
    clock,
    log: { log() {} },
  });
  return { diagnostics, clock, config, terminal, requeued: () => requeued };
}

describe('diagnostics', () => {
  it('is disabled without a PIN', () => {
    const { diagnostics } = rig(null);
    expect(diagnostics.enabled).toBe(false);
    expect(diagnostics.open('')).toEqual({
      type: 'diagnostics_refused',
      reason: 'disabled',
      retryInSeconds: 0,
    });
    expect(rig('2468').diagnostics.enabled).toBe(true);
  });

  it('shows state, queue and configuration with every secret masked', () => {
    const answer = rig('2468').diagnostics.open('2468');
    if (answer.type !== 'diagnostics') throw new Error('refused');
    expect(answer.view).toMatchObject({
      versions: { app: '9.9.9' },
      store: { state: 'ok' },
      platform: { state: 'offline', pending: 2, rejected: 1, lastError: 'connect ECONNREFUSED' },
      rejected: [{ id: 'r-1', transactionId: 'TX-9', code: 'E1', message: 'bad dept' }],
    });
    const text = JSON.stringify(answer.view);
    for (const secret of ['platform-secret', 'api-token-value', '2468']) expect(text).not.toContain(secret);
  });

  it('says whether the terminal is in training mode, and how many training records it keeps', () => {
    const live = rig('2468').diagnostics.open('2468');
    expect(live).toMatchObject({ type: 'diagnostics', view: { training: { on: false, records: 0 } } });

    const r = rig('2468', true);
    r.terminal.signIn(clerk);
    r.terminal.openPrompt(request());
    r.terminal.intent({ type: 'rate', level: 4 });
    expect(r.diagnostics.open('2468')).toMatchObject({
      type: 'diagnostics',
      view: { training: { on: true, records: 1 }, config: { terminal: { training: true } } },
    });
  });

  it('shows the recent ratings given before their serviceTime (clock_skew)', () => {
    const r = rig('2468');
    expect(r.diagnostics.open('2468')).toMatchObject({
      view: { clockSkew: { days: 7, ratings: 0, last: null } },
    });
    r.terminal.signIn(clerk);
    // The business system's clock an hour ahead (the API would refuse more than 5 minutes;
    // the rules take any).
    const serviceTime = cstDateTime(Date.now() + 3_600_000);
    const opened = r.terminal.openPrompt(request({ facts: { serviceTime } }));
    r.terminal.intent({ type: 'rate', level: 5 });
    expect(r.diagnostics.open('2468')).toMatchObject({
      view: {
        clockSkew: { days: 7, ratings: 1, last: { promptId: opened.promptId, serviceTime } },
      },
    });
  });

  it('refuses a wrong PIN and locks after repeated guesses', () => {
    const { diagnostics, clock } = rig('2468');
    for (let i = 1; i < MAX_WRONG_PINS; i++)
      expect(diagnostics.open('1111')).toMatchObject({ reason: 'wrong_pin' });
    expect(diagnostics.open('1111')).toMatchObject({ reason: 'locked', retryInSeconds: LOCKOUT_MS / 1000 });
    expect(diagnostics.open('2468')).toMatchObject({ reason: 'locked' });
    clock.advance(LOCKOUT_MS);
    expect(diagnostics.open('2468').type).toBe('diagnostics');
    expect(diagnostics.open('24680')).toMatchObject({ reason: 'wrong_pin' });
  });

  it('queues rejected records again, only with the PIN', () => {
    const r = rig('2468');
    expect(r.diagnostics.retryRejected('0000')).toMatchObject({ reason: 'wrong_pin' });
    expect(r.requeued()).toBe(0);
    const answer = r.diagnostics.retryRejected('2468');
    expect(answer).toMatchObject({ type: 'diagnostics', view: { notice: '已重新排队 1 条记录' } });
    expect(r.requeued()).toBe(1);
  });

  it('answers a PIN of any script or length as a wrong PIN, never by throwing', () => {
    // '中' is one UTF-16 unit but three UTF-8 bytes: it once made timingSafeEqual throw
    // (buffers of different lengths) and the whole terminal exit.
    for (const pin of [
      '中',
      '中'.repeat(32),
      '😀',
      '\u0000',
      '',
      'x'.repeat(10_000),
      '24680',
      '2468\u0000',
    ]) {
      const { diagnostics } = rig('2468');
      expect(diagnostics.open(pin), JSON.stringify(pin)).toMatchObject({ reason: 'wrong_pin' });
      expect(diagnostics.retryRejected(pin)).toMatchObject({ reason: 'wrong_pin' });
    }
    expect(rig('2468').diagnostics.open('2468').type).toBe('diagnostics');
  });

  it('names a key file moved aside as damaged, from any process, until it is dealt with', () => {
    const r = rig('2468');
    const view = () => {
      const answer = r.diagnostics.open('2468');
      if (answer.type !== 'diagnostics') throw new Error('refused');
      return answer.view;
    };
    expect(view().store.keyFault).toBeNull();
    // The terminal's own key, torn: its owner moves it aside on open.
    mkdirSync(dirname(r.config.store.keyFile), { recursive: true });
    writeFileSync(r.config.store.keyFile, '');
    const store = RatingStore.open(r.config.store);
    const moved = store.keyFault?.movedAside as string;
    store.close();
    expect(view().store.keyFault).toContain(moved);
    expect(view().store.keyFault).toContain('without personal data');
    rmSync(moved);
    expect(view().store.keyFault).toBeNull();
  });
});
