// What a screen's message does, the same for both shells. Returns the answer meant for
// that screen alone (diagnostics), or null.
import type { DownMessage, UpMessage } from '../core/bridge.js';
import type { Diagnostics } from './diagnostics.js';
import type { Terminal } from './terminal.js';

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
    case 'diagnostics_retry':
      return diagnostics
        ? diagnostics.retryRejected(message.pin)
        : { type: 'diagnostics_refused', reason: 'disabled', retryInSeconds: 0 };
  }
}
