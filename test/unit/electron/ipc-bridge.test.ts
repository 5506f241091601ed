import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createDiagnostics, type Diagnostics } from '../../../src/engine/diagnostics.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { APP_ORIGIN, CHANNELS } from '../../../src/shells/electron/channels.js';
import { type IpcEventLike, startIpcBridge } from '../../../src/shells/electron/ipc-bridge.js';
import { RatingStore } from '../../../src/store/store.js';
import { coreConfig, request } from '../../helpers/core-fixture.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

// Electron's ipcMain cannot run here; this stand-in delivers messages the way it does.
class FakeIpcMain {
  listeners = new Map<string, (event: IpcEventLike, message: unknown) => void>();
  on(channel: string, l: (event: IpcEventLike, message: unknown) => void) {
    this.listeners.set(channel, l);
  }
  removeAllListeners(channel: string) {
    this.listeners.delete(channel);
  }
  emit(channel: string, event: IpcEventLike, message: unknown) {
    this.listeners.get(channel)?.(event, message);
  }
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function rig(withDiagnostics?: (terminal: Terminal, dir: string) => Diagnostics) {
  const dir = tempDir();
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key') }),
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
  });
  terminal.start();
  const ipcMain = new FakeIpcMain();
  const sent: [string, any][] = [];
  const warnings: string[] = [];
  const bridge = startIpcBridge({
    ipcMain,
    window: { webContentsId: () => 7, send: (channel, m) => sent.push([channel, m]) },
    terminal,
    volume: () => 80,
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
    log: { log: (_level, event) => warnings.push(event) },
    ...(withDiagnostics ? { diagnostics: withDiagnostics(terminal, dir) } : {}),
  });
  stops.push(
    () => bridge.stop(),
    () => terminal.stop(),
  );
  const from = (senderId: number, url: string | null, parent: unknown = null): IpcEventLike => ({
    sender: { id: senderId },
    senderFrame: url === null ? null : { url, parent },
  });
  return { terminal, ipcMain, sent, warnings, bridge, from };
}

/** The real diagnostics behind PIN 2468; `failing` makes reading the platform's state throw. */
function diagnosticsWith(failing: boolean) {
  return (terminal: Terminal, dir: string): Diagnostics => {
    const loaded = loadConfig(null, { dataDir: dir });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    return createDiagnostics({
      config: { ...loaded.config, diagnostics: { pin: '2468' } },
      terminal,
      keypad: {
        stop: async () => undefined,
        info: () => ({
          driver: 'none',
          state: 'none',
          fault: null,
          hello: null,
          path: null,
          portOpen: false,
        }),
      },
      forwarding: {
        stop: async () => undefined,
        reload: () => undefined,
        status: () => {
          if (failing) throw new Error('the forwarder is gone');
          return {
            state: 'unconfigured',
            pending: 0,
            rejected: 0,
            lastDeliveryAt: null,
            lastError: null,
            nextAttemptAt: null,
          };
        },
        rejected: () => [],
        requeueRejected: () => 0,
      },
      version: '0.0.0-test',
      clock: new FakeClock(),
      log: { log() {} },
    });
  };
}

describe('the main-process bridge', () => {
  it('greets a loaded page with its keys, whether diagnostics exist, and the screen, and pushes views and sounds down', () => {
    const { terminal, sent, bridge } = rig();
    bridge.greet();
    expect(sent.map(([c, m]) => [c, m.type])).toEqual([
      [CHANNELS.down, 'hid_keys'],
      [CHANNELS.down, 'diagnostics_enabled'],
      [CHANNELS.down, 'view'],
    ]);
    // This rig has no diagnostics: the page must offer no way into them.
    expect(sent[1]?.[1]).toEqual({ type: 'diagnostics_enabled', enabled: false });
    terminal.openPrompt(request());
    expect(sent.filter(([, m]) => m.type === 'sound').at(-1)?.[1]).toEqual({
      type: 'sound',
      clips: [
        'please_rate',
        'key_1',
        'level_5',
        'key_2',
        'level_4',
        'key_3',
        'level_3',
        'key_4',
        'level_2',
        'key_5',
        'level_1',
      ],
      volume: 80,
    });
    expect(sent.filter(([, m]) => m.type === 'view').at(-1)?.[1].view.screen.kind).toBe('rate');
  });

  it('takes intents and keyboard-wedge keys from the kiosk page only', () => {
    const { terminal, ipcMain, warnings, from } = rig();
    const { promptId } = terminal.openPrompt(request());
    ipcMain.emit(CHANNELS.up, from(8, `${APP_ORIGIN}/`), {
      type: 'intent',
      intent: { type: 'rate', level: 5 },
    });
    ipcMain.emit(CHANNELS.up, from(7, 'https://evil.example/'), {
      type: 'intent',
      intent: { type: 'rate', level: 5 },
    });
    ipcMain.emit(CHANNELS.up, from(7, `${APP_ORIGIN}/`, {}), {
      type: 'intent',
      intent: { type: 'rate', level: 5 },
    });
    ipcMain.emit(CHANNELS.up, from(7, null), { type: 'intent', intent: { type: 'rate', level: 5 } });
    expect(terminal.getPrompt(promptId as string)?.status).toBe('open');
    expect(warnings.filter((w) => w === 'ipc_sender_refused')).toHaveLength(4);

    ipcMain.emit(CHANNELS.up, from(7, `${APP_ORIGIN}/`), {
      type: 'intent',
      intent: { type: 'rate', level: 9 },
    });
    expect(warnings.at(-1)).toBe('bridge_message_refused');
    ipcMain.emit(CHANNELS.up, from(7, `${APP_ORIGIN}/`), { type: 'hid_key', code: 'F2' });
    expect(terminal.getPrompt(promptId as string)).toMatchObject({
      status: 'rated',
      records: [{ level: 4 }],
    });
  });

  it('stops listening when stopped', () => {
    const { ipcMain, bridge } = rig();
    bridge.stop();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('answers every message from the kiosk page, however malformed, and never throws', () => {
    const { ipcMain, sent, warnings, from } = rig(diagnosticsWith(false));
    const page = from(7, `${APP_ORIGIN}/`);
    const answers = () => sent.map(([, m]) => m).filter((m) => m.type !== 'view' && m.type !== 'sound');
    // A PIN of one CJK character once made timingSafeEqual throw out of this listener.
    expect(() => ipcMain.emit(CHANNELS.up, page, { type: 'diagnostics_open', pin: '中' })).not.toThrow();
    expect(answers().at(-1)).toEqual({ type: 'diagnostics_refused', reason: 'wrong_pin', retryInSeconds: 0 });
    for (const bad of [
      null,
      42,
      'not json',
      '{"type":"intent"',
      { type: 'intent', intent: { type: 'rate', level: 9 } },
      { type: 'persist', records: [] },
      new Map(),
      [1, 2, 3],
    ]) {
      expect(() => ipcMain.emit(CHANNELS.up, page, bad)).not.toThrow();
      expect(answers().at(-1)).toEqual({ type: 'refused', reason: 'invalid' });
    }
    expect(() => ipcMain.emit(CHANNELS.up, page, { type: 'diagnostics_open', pin: '2468' })).not.toThrow();
    expect(answers().at(-1)?.type).toBe('diagnostics');
    expect(warnings.filter((w) => w === 'bridge_message_refused')).toHaveLength(8);
  });

  it('answers a message the terminal fails on with a refusal, and keeps going', () => {
    const { terminal, ipcMain, sent, warnings, from } = rig(diagnosticsWith(true));
    const page = from(7, `${APP_ORIGIN}/`);
    expect(() => ipcMain.emit(CHANNELS.up, page, { type: 'diagnostics_open', pin: '2468' })).not.toThrow();
    expect(sent.at(-1)?.[1]).toEqual({ type: 'refused', reason: 'failed' });
    expect(warnings).toContain('bridge_message_failed');
    const { promptId } = terminal.openPrompt(request());
    ipcMain.emit(CHANNELS.up, page, { type: 'intent', intent: { type: 'rate', level: 5 } });
    expect(terminal.getPrompt(promptId as string)?.status).toBe('rated');
  });
});
