// The bridge's messages up are checked by JSON Schemas compiled with ajv. They must accept
// exactly what the hand-written parser they replaced accepted (kept below as the oracle),
// for the same lengths, types and closed sets, on thousands of generated near-misses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_UP_MESSAGE_LENGTH, type UpMessage } from '../../../src/core/bridge.js';
import type { Intent } from '../../../src/core/events.js';
import { isLevel } from '../../../src/core/levels.js';
import { parseUpMessage } from '../../../src/engine/up-messages.js';

// ---- The hand parser of src/core/bridge.ts before the schemas, verbatim.
const MAX_CODE = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseIntent(v: unknown): Intent | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'rate':
      return isLevel(v.level) ? { type: 'rate', level: v.level } : null;
    case 'choose_scope':
      return v.scope === 'overall' || v.scope === 'department'
        ? { type: 'choose_scope', scope: v.scope }
        : null;
    case 'toggle_reason':
      return typeof v.code === 'string' && v.code.length <= MAX_CODE
        ? { type: 'toggle_reason', code: v.code }
        : null;
    case 'submit_reasons':
    case 'change_level':
    case 'back_to_reasons':
    case 'decline':
      return { type: v.type };
    case 'real_name':
      return typeof v.on === 'boolean' ? { type: 'real_name', on: v.on } : null;
    // Added with the 中文/English toggle (a touch, for the engine).
    case 'language':
      return v.lang === 'zh' || v.lang === 'en' ? { type: 'language', lang: v.lang } : null;
    default:
      return null;
  }
}

/** A message from a screen, or null when it is not one the contract knows. */
function handParser(raw: unknown): UpMessage | null {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > 4096) return null;
    try {
      v = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isRecord(v)) return null;
  if (v.type === 'intent') {
    const intent = parseIntent(v.intent);
    return intent ? { type: 'intent', intent } : null;
  }
  if (v.type === 'hid_key' && typeof v.code === 'string' && v.code.length <= MAX_CODE) {
    return { type: 'hid_key', code: v.code };
  }
  if (
    (v.type === 'diagnostics_open' || v.type === 'diagnostics_retry') &&
    typeof v.pin === 'string' &&
    v.pin.length <= 32
  ) {
    return { type: v.type, pin: v.pin };
  }
  // Added with sound_refused (a refused play reported for diagnostics); since the voice
  // guide, any clip's name: 1-64 letters, digits, "_" or "-".
  if (
    v.type === 'sound_refused' &&
    typeof v.name === 'string' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(v.name) &&
    typeof v.reason === 'string' &&
    v.reason.length <= MAX_CODE
  ) {
    return { type: 'sound_refused', name: v.name, reason: v.reason };
  }
  return null;
}
// ---- End of the oracle.

const INTENT_TYPES = [
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
const MESSAGE_TYPES = [
  'intent',
  'hid_key',
  'diagnostics_open',
  'diagnostics_retry',
  'sound_refused',
] as const;

// Values near every boundary the contract draws: lengths 32/33 and 64/65 (in UTF-16
// units, astral characters counting two), levels 0–6, look-alike types.
const edgeText = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.constantFrom('x'.repeat(32), 'x'.repeat(33), 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(32)),
  fc.constantFrom('😀'.repeat(17), '中'.repeat(64), '中'.repeat(65), '', '\u0000', '\u202e'),
);
const anyValue = fc.oneof(
  edgeText,
  fc.integer({ min: -1, max: 7 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    4.0,
    4.5,
    '5',
    [5],
    { level: 5 },
    'overall',
    'department',
    'Overall',
    'thanks',
    'please_rate',
    'zh',
    'en',
    'EN',
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const typeName = fc.oneof(
  fc.constantFrom(...INTENT_TYPES, ...MESSAGE_TYPES),
  fc.constantFrom('RATE', 'rate ', 'persist', '__proto__', 'constructor', 'toString', ''),
  anyValue,
);
const extraKeys = fc.dictionary(
  fc.constantFrom('level', 'scope', 'code', 'on', 'lang', 'pin', 'intent', 'type', 'extra', '__proto__', 'x'),
  anyValue,
  { maxKeys: 3 },
);
const intentLike = fc.oneof(
  fc
    .record({
      type: typeName,
      level: anyValue,
      scope: anyValue,
      code: anyValue,
      on: anyValue,
      lang: anyValue,
    })
    .chain((r) =>
      fc.subarray(Object.keys(r)).map((keys) => Object.fromEntries(keys.map((k) => [k, (r as any)[k]]))),
    ),
  fc.tuple(fc.constantFrom(...INTENT_TYPES), extraKeys).map(([type, extra]) => ({ ...extra, type })),
  anyValue,
);
const messageLike = fc.oneof(
  fc.record({ type: fc.constant('intent'), intent: intentLike }),
  fc.tuple(fc.constantFrom(...MESSAGE_TYPES), extraKeys, intentLike).map(([type, extra, intent]) => ({
    ...extra,
    type,
    intent,
  })),
  fc.record({ type: typeName, code: anyValue, pin: anyValue }, { requiredKeys: ['type'] }),
  fc.record({ type: typeName, name: anyValue, reason: anyValue }, { requiredKeys: ['type'] }),
  fc.jsonValue({ maxDepth: 4 }),
);
const asText = messageLike.map((m) => JSON.stringify(m) ?? 'undefined');
const brokenText = fc.oneof(
  fc.string({ maxLength: 200 }),
  asText.map((t) => t.slice(0, -1)),
  asText.map((t) => `${t} `),
  fc
    .integer({ min: MAX_UP_MESSAGE_LENGTH - 40, max: MAX_UP_MESSAGE_LENGTH + 40 })
    .map((n) => `{"type":"hid_key","code":"F1","pad":"${'x'.repeat(n - 36)}"}`),
  fc.constantFrom('[]', 'null', '1', '"intent"', '{"type":"intent","intent":{"type":"rate","level":5e0}}'),
);

describe('messages up from the screens', () => {
  it('accepts exactly what the hand parser accepted, and returns the same message', () => {
    fc.assert(
      fc.property(fc.oneof(messageLike, asText, brokenText), (raw) => {
        // The oracle reads the raw value, the schemas a copy of it: compare like with like.
        const copy = typeof raw === 'string' ? raw : structuredClone(raw);
        expect(parseUpMessage(raw)).toEqual(handParser(copy));
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts each intent and message the contract knows, dropping unknown keys', () => {
    const intents: Intent[] = [
      ...([1, 2, 3, 4, 5] as const).map((level) => ({ type: 'rate', level }) as const),
      { type: 'choose_scope', scope: 'overall' },
      { type: 'choose_scope', scope: 'department' },
      { type: 'toggle_reason', code: 'x'.repeat(64) },
      { type: 'submit_reasons' },
      { type: 'change_level' },
      { type: 'back_to_reasons' },
      { type: 'decline' },
      { type: 'real_name', on: false },
      { type: 'language', lang: 'en' },
      { type: 'language', lang: 'zh' },
    ];
    for (const intent of intents) {
      const sent = JSON.stringify({ type: 'intent', intent: { ...intent, extra: 1 }, more: [1] });
      expect(parseUpMessage(sent)).toEqual({ type: 'intent', intent });
    }
    const others: UpMessage[] = [
      { type: 'hid_key', code: 'F1' },
      { type: 'diagnostics_open', pin: '中'.repeat(32) },
      { type: 'diagnostics_retry', pin: '' },
      { type: 'sound_refused', name: 'please_rate', reason: 'NotAllowedError' },
      { type: 'sound_refused', name: 'reason_207', reason: 'NotSupportedError' },
    ];
    for (const m of others) expect(parseUpMessage({ ...m, __extra: true })).toEqual(m);
  });

  it('refuses what the contract does not know', () => {
    for (const bad of [
      'not json',
      '[]',
      'null',
      { type: 'intent', intent: { type: 'rate', level: 6 } },
      { type: 'intent', intent: { type: 'rate', level: '5' } },
      { type: 'intent', intent: { type: 'rate' } },
      { type: 'intent', intent: { type: 'submit_rating' } },
      { type: 'intent', intent: { type: 'real_name', on: 'yes' } },
      { type: 'intent', intent: { type: 'language', lang: 'fr' } },
      { type: 'intent', intent: { type: 'language' } },
      { type: 'intent', intent: { type: 'toggle_reason', code: 'x'.repeat(65) } },
      { type: 'intent', intent: { type: 'toggle_reason', code: '😀'.repeat(33) } },
      { type: 'hid_key', code: 7 },
      { type: 'diagnostics_open', pin: 'x'.repeat(33) },
      { type: 'diagnostics_open' },
      { type: 'sound_refused', name: '../config', reason: 'NotAllowedError' },
      { type: 'sound_refused', name: '', reason: 'NotAllowedError' },
      { type: 'sound_refused', name: 'x'.repeat(65), reason: 'NotAllowedError' },
      { type: 'sound_refused', name: 'level_5\n', reason: 'NotAllowedError' },
      { type: 'sound_refused', name: 'thanks', reason: 'x'.repeat(65) },
      { type: 'sound_refused', name: 'thanks' },
      { type: 5 },
      { type: 'persist' },
      'x'.repeat(5000),
      `{"type":"hid_key","code":"F1","pad":"${'x'.repeat(MAX_UP_MESSAGE_LENGTH)}"}`,
      '['.repeat(2000) + ']'.repeat(2000),
      () => undefined,
      new Map([['type', 'hid_key']]),
    ]) {
      expect(parseUpMessage(bad), String(bad).slice(0, 80)).toBeNull();
    }
  });

  it("never edits the caller's object", () => {
    const sent = { type: 'hid_key', code: 'F1', extra: 1 };
    expect(parseUpMessage(sent)).toEqual({ type: 'hid_key', code: 'F1' });
    expect(sent).toEqual({ type: 'hid_key', code: 'F1', extra: 1 });
  });
});
