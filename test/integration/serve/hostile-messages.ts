// Generators of hostile messages for the screens' bridge (see bridge-hostile.test.ts):
// every message type with wrong field types, unknown types, prototype pollution,
// deeply nested and broken JSON, non-ASCII text, and well-formed messages that must
// change nothing while no prompt is open.
import fc from 'fast-check';
import { parseUpMessage } from '../../../src/engine/up-messages.js';

const RTL = 'مرحبا بالعالم';
const weirdText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '😀'.repeat(40),
    RTL.repeat(5),
    '\u202e\u0000abc',
    '中'.repeat(65),
    '\ud800',
    '\udfff\ud800',
    '',
  ),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const anyValue = fc.oneof(weirdText, wrongType, fc.jsonValue({ maxDepth: 3 }));
const INTENTS = [
  'rate',
  'choose_scope',
  'toggle_reason',
  'submit_reasons',
  'change_level',
  'back_to_reasons',
  'decline',
  'real_name',
  'language',
] as const;
const TYPES = ['intent', 'hid_key', 'diagnostics_open', 'diagnostics_retry'] as const;

const wrongFields = fc.oneof(
  fc.record({ type: fc.constant('intent'), intent: anyValue }),
  fc.record({
    type: fc.constant('intent'),
    intent: fc.record({
      type: fc.oneof(fc.constantFrom(...INTENTS), anyValue),
      level: anyValue,
      scope: anyValue,
      code: anyValue,
      on: anyValue,
      lang: anyValue,
    }),
  }),
  fc.record({ type: fc.constantFrom('hid_key'), code: wrongType }),
  fc.record({
    type: fc.constantFrom('diagnostics_open', 'diagnostics_retry'),
    pin: fc.oneof(wrongType, fc.constant('9'.repeat(33))),
  }),
  fc.record({ type: fc.constantFrom(...TYPES) }),
);
const unknownType = fc.record({ type: fc.oneof(weirdText, wrongType), intent: anyValue, code: anyValue });
const pollution = fc.constantFrom(
  '{"__proto__":{"type":"hid_key","code":"F1"}}',
  '{"type":"intent","intent":{"__proto__":{"type":"rate","level":5}}}',
  '{"constructor":{"prototype":{"type":"hid_key"}}}',
  '{"type":"toString"}',
  '{"type":"__proto__"}',
);
const deep = fc
  .integer({ min: 50, max: 2040 })
  .chain((n) =>
    fc.constantFrom(
      '['.repeat(n) + ']'.repeat(n),
      `${'{"a":'.repeat(Math.floor(n / 3))}1${'}'.repeat(Math.floor(n / 3))}`,
      '['.repeat(n),
    ),
  );
const brokenJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v).slice(0, -1)),
  fc.constantFrom(
    '{',
    '{"type":"intent"',
    '\uFEFF{}',
    'null',
    '[]',
    '""',
    '1e999',
    '{"type":"hid_key","code":"F1"}}',
  ),
);
/** Messages a real screen would send, but with no prompt open: none may rate. */
const validShaped = fc.oneof(
  fc.record({
    type: fc.constant('intent'),
    intent: fc.record({ type: fc.constant('rate'), level: fc.integer({ min: 1, max: 5 }) }),
  }),
  fc
    .constantFrom(
      ...INTENTS.filter(
        (t) =>
          t !== 'rate' &&
          t !== 'choose_scope' &&
          t !== 'toggle_reason' &&
          t !== 'real_name' &&
          t !== 'language',
      ),
    )
    .map((type) => ({ type: 'intent', intent: { type } })),
  fc.record({
    type: fc.constant('hid_key'),
    code: fc.constantFrom('F1', 'F2', 'F3', 'F4', 'F5', 'Numpad1', 'KeyA'),
  }),
  fc.record({
    type: fc.constantFrom('diagnostics_open', 'diagnostics_retry'),
    pin: fc.string({ maxLength: 32 }),
  }),
);
export const message = fc.oneof(
  { weight: 4, arbitrary: wrongFields.map((m) => JSON.stringify(m)) },
  { weight: 2, arbitrary: unknownType.map((m) => JSON.stringify(m)) },
  { weight: 1, arbitrary: pollution },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: brokenJson },
  { weight: 1, arbitrary: validShaped.map((m) => JSON.stringify(m)) },
);

/** What the terminal must answer to one text message: refused, a diagnostics answer, or nothing. */
export function expectedAnswer(text: string): 'refused' | 'diagnostics_refused' | null {
  const m = parseUpMessage(text);
  if (m === null) return 'refused';
  return m.type === 'diagnostics_open' || m.type === 'diagnostics_retry' ? 'diagnostics_refused' : null;
}
