// The GWQ (柜外清) evaluator protocol as its SDK's pages speak it: one JSON object per
// text frame, a numeric `type`, answers carrying the same `type` and an integer `ret`.
// Pure: a frame's text in, what it asks for out; an outcome in, the answer's text out.
// Nothing here knows the engine, the settings or the socket.

import { isHttpUrl } from '../../base/addresses.js';
import type { Level } from '../../core/levels.js';

/** The SDK's return codes that this terminal answers with. */
export const RET = {
  ok: 0,
  /** 参数错误 */
  badParameter: -1,
  /** 超时 */
  timeout: -2,
  /** 打开设备失败: no such device here, or not now. */
  noDevice: -3,
  /** 设备返回错误信息: busy, or cannot store. */
  deviceError: -7,
  /** 取消 */
  cancelled: -9,
} as const;

export type Ret = (typeof RET)[keyof typeof RET];

/** The request types this terminal acts on; every other integer type is a device it lacks. */
export const TYPE = { version: 0, end: 2, evaluate: 10, showPage: 90 } as const;

export const MIN_TIMEOUT_SECONDS = 5;
export const MAX_TIMEOUT_SECONDS = 600;
export const MAX_TELLER_CHARS = 20;
export const MAX_PAGE_URL_CHARS = 500;

/** What the TellerPhoto field gave: an image to check, nothing, or something set aside. */
export type PhotoField =
  | { kind: 'none' }
  /** A data URL labelled by what its base64 starts with; the bytes are checked by whoever shows it. */
  | { kind: 'image'; dataUrl: string }
  /** `path`: a file path (the SDK's samples pass one) — never read; `other`: not a base64 image. */
  | { kind: 'ignored'; why: 'path' | 'other' };

export type GwqRequest =
  | { kind: 'version' }
  | { kind: 'end' }
  | {
      kind: 'evaluate';
      tellerName: string;
      tellerNo: string;
      photo: PhotoField;
      /** null: absent or out of range, so prompt.timeoutSeconds. */
      timeoutSeconds: number | null;
    }
  | { kind: 'show_page'; url: string }
  /** A device this terminal does not have (signature, ID card, face, files, fingerprint, video…). */
  | { kind: 'no_device'; type: number }
  /** Answered −1; `type` null when the frame is not a JSON object with an integer type. */
  | { kind: 'invalid'; type: number | null; problem: string };

/** How a prompt that a type 10 opened ended, as the answer tells it. */
export type GwqOutcome =
  | { status: 'rated'; level: Level }
  | { status: 'expired' }
  | { status: 'declined' }
  | { status: 'cancelled' }
  /** Rated, but its record could not be read back (the store failed that moment): −7. */
  | { status: 'unreadable' };

function hasOwn(o: object, key: string): boolean {
  return Object.hasOwn(o, key);
}

/** Characters as a person counts them (code points), as everywhere in the terminal. */
function chars(text: string): number {
  return [...text].length;
}

// C0/C1 controls, and the line and paragraph separators: nothing a name is written with.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function tellerText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '' || chars(text) > MAX_TELLER_CHARS || CONTROL.test(text)) return null;
  return text;
}

function timeoutOf(value: unknown): number | null {
  const n = typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return null;
  return n >= MIN_TIMEOUT_SECONDS && n <= MAX_TIMEOUT_SECONDS ? n : null;
}

// What a base64 image begins with: FF D8 FF (JPEG), 89 50 4E 47 (PNG), RIFF (WebP).
const BASE64_STARTS: readonly [string, 'jpeg' | 'png' | 'webp'][] = [
  ['/9j/', 'jpeg'],
  ['iVBORw0KGgo', 'png'],
  ['UklGR', 'webp'],
];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:image\/(?:jpeg|jpg|png|webp);base64,/i;
// C:\…, \\server\…, /home/…, file:///…, ./x.jpg: a path, which is never opened.
const PATH_LIKE = /^(?:[A-Za-z]:[\\/]|\\\\|\/|\.{1,2}[\\/]|file:)/i;

function photoOf(value: unknown): PhotoField {
  if (value === undefined || value === null || value === '') return { kind: 'none' };
  if (typeof value !== 'string') return { kind: 'ignored', why: 'other' };
  const text = value.trim();
  const prefix = DATA_URL.exec(text);
  // Base64 as some pages send it: wrapped in lines.
  const base64 = (prefix ? text.slice(prefix[0].length) : text).replace(/\s+/g, '');
  const type = BASE64.test(base64)
    ? BASE64_STARTS.find(([start]) => base64.startsWith(start))?.[1]
    : undefined;
  // A JPEG's base64 begins with "/9j/", so images are recognised before paths.
  if (type) return { kind: 'image', dataUrl: `data:image/${type};base64,${base64}` };
  if (PATH_LIKE.test(text) || /\.(?:jpe?g|png|bmp|gif|webp)$/i.test(text))
    return { kind: 'ignored', why: 'path' };
  return { kind: 'ignored', why: 'other' };
}

/** Reads one frame's text. Never throws, whatever the text. */
export function parseRequest(text: string): GwqRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', type: null, problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'invalid', type: null, problem: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  const type = hasOwn(o, 'type') ? o.type : undefined;
  if (typeof type !== 'number' || !Number.isInteger(type))
    return { kind: 'invalid', type: null, problem: 'no integer type' };
  switch (type) {
    case TYPE.version:
      return { kind: 'version' };
    case TYPE.end:
      return { kind: 'end' };
    case TYPE.evaluate: {
      const tellerName = tellerText(hasOwn(o, 'TellerName') ? o.TellerName : undefined);
      const tellerNo = tellerText(hasOwn(o, 'TellerNo') ? o.TellerNo : undefined);
      if (tellerName === null || tellerNo === null)
        return {
          kind: 'invalid',
          type,
          problem: `${tellerName === null ? 'TellerName' : 'TellerNo'} must be 1-${MAX_TELLER_CHARS} characters`,
        };
      return {
        kind: 'evaluate',
        tellerName,
        tellerNo,
        photo: photoOf(hasOwn(o, 'TellerPhoto') ? o.TellerPhoto : undefined),
        timeoutSeconds: timeoutOf(hasOwn(o, 'Timeout') ? o.Timeout : undefined),
      };
    }
    case TYPE.showPage: {
      const url = hasOwn(o, 'URL') ? o.URL : undefined;
      if (typeof url !== 'string' || chars(url) > MAX_PAGE_URL_CHARS || !isHttpUrl(url))
        return {
          kind: 'invalid',
          type,
          problem: `URL must be an http(s) address of at most ${MAX_PAGE_URL_CHARS} characters`,
        };
      return { kind: 'show_page', url };
    }
    default:
      return { kind: 'no_device', type };
  }
}

/** Whether a type 90's page is of one of `pageOrigins` (canonical origins). */
export function pageAllowed(url: string, pageOrigins: readonly string[]): boolean {
  try {
    const u = new URL(url);
    // user:password@ in a QR code is how a phishing link hides its real host.
    return u.username === '' && u.password === '' && pageOrigins.includes(u.origin);
  } catch {
    return false;
  }
}

/** An answer's text: the request's type and ret first, as the SDK's own answers are. */
export function answer(type: number | null, ret: Ret, extra: Record<string, string | number> = {}): string {
  return JSON.stringify({ type, ret, ...extra });
}

export function versionAnswer(version: string): string {
  return answer(TYPE.version, RET.ok, { version: `haochaping-terminal ${version}` });
}

/**
 * The type 10 answer for a prompt that became final. `levelMap[i]` is the EvaluatorLevel
 * of level 5 - i (非常满意 first); without `answerLevel` the business system learns only
 * that the citizen rated.
 */
export function outcomeAnswer(
  outcome: GwqOutcome,
  settings: { answerLevel: boolean; levelMap: readonly number[] },
): string {
  switch (outcome.status) {
    case 'rated': {
      const level = settings.answerLevel ? (settings.levelMap[5 - outcome.level] ?? 4) : 0;
      return answer(TYPE.evaluate, RET.ok, { EvaluatorLevel: level });
    }
    case 'expired':
      return answer(TYPE.evaluate, RET.timeout);
    case 'declined':
    case 'cancelled':
      return answer(TYPE.evaluate, RET.cancelled);
    case 'unreadable':
      return answer(TYPE.evaluate, RET.deviceError);
  }
}
