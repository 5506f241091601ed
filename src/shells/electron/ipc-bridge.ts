// The main-process end of the bridge: view states and sounds down to the kiosk window,
// intents up, each checked for its sender and its shape. Written against small
// interfaces so it is tested without Electron.
import { type DownMessage, parseUpMessage } from '../../core/bridge.js';
import type { Diagnostics } from '../../engine/diagnostics.js';
import type { Logger } from '../../engine/log.js';
import { handleScreenMessage } from '../../engine/screen-messages.js';
import type { Terminal } from '../../engine/terminal.js';
import { CHANNELS, isTrustedSender, type SenderFacts } from './channels.js';

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, message: unknown) => void): unknown;
  removeAllListeners(channel: string): unknown;
}

export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface WindowTarget {
  webContentsId(): number | null;
  send(channel: string, message: DownMessage): void;
}

export interface BridgeOptions {
  ipcMain: IpcMainLike;
  window: WindowTarget;
  terminal: Terminal;
  volume: () => number;
  hidKeys: string[][];
  log: Logger;
  diagnostics?: Diagnostics;
}

function factsOf(event: IpcEventLike): SenderFacts {
  return {
    senderId: event.sender.id,
    frameUrl: event.senderFrame?.url ?? null,
    isMainFrame: event.senderFrame !== null && event.senderFrame.parent === null,
  };
}

export function startIpcBridge(opts: BridgeOptions): { greet(): void; stop(): void } {
  const { ipcMain, window, terminal, log } = opts;
  const send = (message: DownMessage) => {
    if (window.webContentsId() !== null) window.send(CHANNELS.down, message);
  };
  ipcMain.on(CHANNELS.up, (event, raw) => {
    if (!isTrustedSender(factsOf(event), window.webContentsId())) {
      log.log('warn', 'ipc_sender_refused', { channel: CHANNELS.up });
      return;
    }
    const message = parseUpMessage(raw);
    if (!message) {
      log.log('warn', 'bridge_message_refused');
      return;
    }
    const answer = handleScreenMessage(message, terminal, opts.diagnostics ?? null);
    if (answer) send(answer);
  });
  const unsubscribe = terminal.subscribe({
    view: (view) => send({ type: 'view', view }),
    sound: (name) => send({ type: 'sound', name, volume: opts.volume() }),
  });
  return {
    /** A (re)loaded page gets its keys, whether diagnostics exist, and the current screen at once. */
    greet() {
      send({ type: 'hid_keys', keys: opts.hidKeys });
      send({ type: 'diagnostics_enabled', enabled: opts.diagnostics?.enabled ?? false });
      send({ type: 'view', view: terminal.view() });
    },
    stop() {
      unsubscribe();
      ipcMain.removeAllListeners(CHANNELS.up);
    },
  };
}
