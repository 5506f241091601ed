// What a screen's message does, the same for both shells. Every message is answered or
// dropped here without ever throwing: a shell's message handler that threw would take
// the whole terminal down (the WebSocket's listener runs on the socket's data event).

import type { Logger } from '../base/logger.js';
import type { DownMessage, UpMessage } from '../core/bridge.js';
import type { Diagnostics } from './diagnostics.js';
import type { Terminal } from './terminal.js';
import { parseUpMessage } from './up-messages.js';

/** The answer meant for the sending screen alone (diagnostics), or null. */
export function handleScreenMessage(
  message: UpMessage,
  terminal: Terminal,
  diagnostics: Diagnostics | null,
): DownMessage | null {
  switch (message.type) {
    case 'intent':
      terminal.intent(message.intent, 'touch');
      return null;
    case 'hid_key':
      terminal.hidKey(message.code);
      return null;
    case 'diagnostics_open':
      return diagnostics
        ? diagnostics.open(message.pin)
        : { type: 'diagnostics_refused', reason: 'disabled', retryInSeconds: 0 };
    case 'sound_refused':
      diagnostics?.soundRefused(message.name, message.reason);
      return null;
    case 'diagnostics_retry':
      return diagnostics
        ? diagnostics.retryRejected(message.pin)
        : { type: 'diagnostics_refused', reason: 'disabled', retryInSeconds: 0 };
  }
}

/**
 * Reads, checks and carries out one raw message from a screen; never throws. Returns
 * the answer for the sender: the diagnostics answer, `refused` when the message did
 * nothing (unknown, or the terminal failed on it), or null when the screen's change
 * shows in the next view.
 */
export function answerScreenMessage(
  raw: unknown,
  terminal: Terminal,
  diagnostics: Diagnostics | null,
  log: Logger,
): DownMessage | null {
  let message: UpMessage | null = null;
  try {
    message = parseUpMessage(raw);
  } catch {
    // parseUpMessage is written not to throw; a validator bug is still only a refusal.
  }
  if (!message) {
    log.log('warn', 'bridge_message_refused');
    return { type: 'refused', reason: 'invalid' };
  }
  try {
    return handleScreenMessage(message, terminal, diagnostics);
  } catch (err) {
    log.log('error', 'bridge_message_failed', {
      type: message.type,
      error: err instanceof Error ? err.message : String(err),
    });
    return { type: 'refused', reason: 'failed' };
  }
}

/**
 * What a screen needs at once when it (re)connects, in this order: its keys, whether the
 * technicians' screen exists, and the current screen. Both shells send exactly this.
 */
export function greeting(
  terminal: Terminal,
  hidKeys: string[][],
  diagnostics: Diagnostics | null,
): DownMessage[] {
  return [
    { type: 'hid_keys', keys: hidKeys },
    { type: 'diagnostics_enabled', enabled: diagnostics?.enabled ?? false },
    { type: 'view', view: terminal.view() },
  ];
}

/** The terminal's views and sounds as messages for the screens; returns the unsubscribe. */
export function subscribeScreens(
  terminal: Terminal,
  volume: () => number,
  send: (message: DownMessage) => void,
): () => void {
  return terminal.subscribe({
    view: (view) => send({ type: 'view', view }),
    sound: (clips) => send({ type: 'sound', clips, volume: volume() }),
  });
}
