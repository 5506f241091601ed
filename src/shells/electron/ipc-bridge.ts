// The main-process end of the bridge: view states and sounds down to the kiosk window,
// intents up, each checked for its sender and its shape. Written against small
// interfaces so it is tested without Electron.

import type { Logger } from '../../base/logger.js';
import type { DownMessage } from '../../core/bridge.js';
import type { Diagnostics } from '../../engine/diagnostics.js';
import { answerScreenMessage, greeting, subscribeScreens } from '../../engine/screen-messages.js';
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
  // Electron calls this listener from its own IPC dispatch: an exception here would be
  // an uncaught error in the main process, so nothing in it may throw.
  ipcMain.on(CHANNELS.up, (event, raw) => {
    try {
      if (!isTrustedSender(factsOf(event), window.webContentsId())) {
        log.log('warn', 'ipc_sender_refused', { channel: CHANNELS.up });
        return;
      }
      const answer = answerScreenMessage(raw, terminal, opts.diagnostics ?? null, log);
      if (answer) send(answer);
    } catch (err) {
      log.log('error', 'bridge_message_failed', { error: err instanceof Error ? err.message : String(err) });
    }
  });
  const unsubscribe = subscribeScreens(terminal, opts.volume, send);
  return {
    /** A (re)loaded page gets its keys, whether diagnostics exist, and the current screen at once. */
    greet() {
      for (const message of greeting(terminal, opts.hidKeys, opts.diagnostics ?? null)) send(message);
    },
    stop() {
      unsubscribe();
      ipcMain.removeAllListeners(CHANNELS.up);
    },
  };
}
