import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { TerminalConfig } from '../../../src/config/terminal-config.js';
import { createDiagnostics, LOCKOUT_MS, MAX_WRONG_PINS } from '../../../src/engine/diagnostics.js';
import type { Forwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function rig(pin: string | null) {
  const dir = tempDir();
  const file = join(dir, 'config.json');
  const loaded = loadConfig(null, { dataDir: dir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const config: TerminalConfig = {
    ...loaded.config,
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
    config: coreConfig(),
    openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key') }),
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
  return { diagnostics, clock, config, requeued: () => requeued };
}

describe('diagnostics', () => {
  it('is disabled without a PIN', () => {
    expect(rig(null).diagnostics.open('')).toEqual({
      type: 'diagnostics_refused',
      reason: 'disabled',
      retryInSeconds: 0,
    });
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
