// Reads a message a screen sent up: JSON text (WebSocket) or a structured-clone value
// (Electron IPC), checked against the bridge's JSON Schemas (src/core/bridge.ts) with
// ajv, the validator the local API's schemas run on. Compiled once, at load.
import { Ajv } from 'ajv';
import { MAX_UP_MESSAGE_LENGTH, UP_MESSAGE_SCHEMA, type UpMessage } from '../core/bridge.js';

const ajv = new Ajv({
  discriminator: true,
  // Unknown keys are dropped, not refused: the screens of one version may talk to an
  // engine of another, and only known keys ever reach the rules.
  removeAdditional: true,
  // maxLength counts UTF-16 units (String.length), as the limits are written.
  unicode: false,
  // Every strict check is an error at compile time (so a test catches it), which leaves
  // the logger only ajv's notice that the unicode option is deprecated: not worth a line
  // on the terminal's console at every start.
  strict: true,
  logger: false,
});

const validate = ajv.compile<UpMessage>(UP_MESSAGE_SCHEMA);

/** A message from a screen, or null when it is not one the contract knows. */
export function parseUpMessage(raw: unknown): UpMessage | null {
  let value: unknown;
  if (typeof raw === 'string') {
    if (raw.length > MAX_UP_MESSAGE_LENGTH) return null;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  } else {
    // The validator edits what it checks (dropping unknown keys): never a caller's object.
    try {
      value = structuredClone(raw);
    } catch {
      return null;
    }
  }
  return validate(value) ? value : null;
}
