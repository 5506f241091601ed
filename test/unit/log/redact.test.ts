// The log's last line of defence: personal fields dropped, id and mobile numbers
// blanked wherever they hide in text, and nothing a caller passes can make a log call
// throw. The values are fake but shaped like real ones.
import { describe, expect, it } from 'vitest';
import { formatLogLine, jsonLinesLogger } from '../../../src/engine/log.js';
import { isPersonalKey, REDACTED, redactFields, redactText } from '../../../src/engine/log-redact.js';

const ID = '35052119900101123X';
const ID_DIGITS = '350521199001011234';
const PHONE = '13912345678';
const NAME = '欧阳测试芳';

function parse(line: string): Record<string, unknown> {
  expect(line.endsWith('\n')).toBe(true);
  expect(line.slice(0, -1)).not.toContain('\n');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('redactText', () => {
  it.each([
    [ID, REDACTED],
    [ID.toLowerCase(), REDACTED],
    [ID_DIGITS, REDACTED],
    [`certKey ${ID} does not match`, `certKey ${REDACTED} does not match`],
    [`ID${ID}:`, `ID${REDACTED}:`],
    [PHONE, REDACTED],
    [`mobile=${PHONE}&x=1`, `mobile=${REDACTED}&x=1`],
    ['+8613912345678', REDACTED],
    ['0086 139-1234-5678', REDACTED],
    ['call 139 1234 5678 now', `call ${REDACTED} now`],
    [`"${ID}","${PHONE}"`, `"${REDACTED}","${REDACTED}"`],
  ])('blanks %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    'record 3f2b9c1e-8d4a-4e5f-9a7b-0c1d2e3f4a5b rejected',
    'X-Timestamp 1764281486000 too far from now',
    'HTTP 503 (E_INTERNAL: flaky by request)',
    'the database was damaged; it was moved to /var/lib/hcp/terminal.db.damaged-20261127',
    '12912345678',
    '139123456789',
    '3505211990010112345',
    'port 8480, window 12, areaCode 350521',
  ])('leaves %j alone', (input) => {
    expect(redactText(input)).toBe(input);
  });

  it('clips very long text', () => {
    const out = redactText('x'.repeat(5000));
    expect(out.length).toBeLessThan(1100);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('redactFields', () => {
  it('drops fields named like personal data, whatever their case or spelling', () => {
    for (const key of [
      'name',
      'Name',
      'userName',
      'USERNAME',
      'user_name',
      'citizen',
      'idNumber',
      'id_number',
      'certKey',
      'CertKey',
      'phone',
      'mobile',
      'Mobile',
    ]) {
      expect(isPersonalKey(key), key).toBe(true);
    }
    for (const key of ['recordId', 'clerkId', 'code', 'message', 'terminalId', 'departmentCode', 'path']) {
      expect(isPersonalKey(key), key).toBe(false);
    }
  });

  it('works at any depth, in arrays too, and keeps the rest', () => {
    const out = redactFields({
      recordId: 'r-1',
      citizen: { name: NAME, idNumber: ID, phone: PHONE, type: 1 },
      records: [{ recordId: 'r-2', userName: NAME, certKey: ID, mobile: PHONE, satisfaction: 5 }],
      clerk: { id: '0107', name: '林晓' },
      note: `platform said: certKey ${ID}, mobile ${PHONE}`,
    });
    expect(out).toEqual({
      recordId: 'r-1',
      records: [{ recordId: 'r-2', satisfaction: 5 }],
      clerk: { id: '0107' },
      note: `platform said: certKey ${REDACTED}, mobile ${REDACTED}`,
    });
  });

  it('blanks a phone passed as a number, keeps other numbers', () => {
    expect(redactFields({ contact: 13912345678, retryInMs: 1764281486000, count: 3 })).toEqual({
      contact: REDACTED,
      retryInMs: 1764281486000,
      count: 3,
    });
  });

  it('reduces Errors to their redacted message and survives cycles, BigInt, throwing getters', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const shared = { code: 'x' };
    const nasty = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const out = redactFields({
      error: new Error(`bad certKey ${ID}`),
      cyclic,
      big: 10n,
      both: [shared, shared],
      nasty,
      fn: () => 1,
      when: new Date('2026-01-02T03:04:05Z'),
      bytes: Buffer.from(NAME),
    });
    expect(out).toEqual({
      error: { error: `bad certKey ${REDACTED}` },
      cyclic: { a: 1, self: '[circular]' },
      big: '10',
      both: [{ code: 'x' }, { code: 'x' }],
      nasty: '[unreadable]',
      when: '2026-01-02T03:04:05.000Z',
      bytes: `[${Buffer.byteLength(NAME)} bytes]`,
    });
  });
});

describe('formatLogLine and jsonLinesLogger', () => {
  it('writes {t, level, event, ...fields} as one redacted JSON line', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const line = formatLogLine('warn', 'record_rejected', { recordId: 'r-1', code: 'E', name: NAME }, now);
    expect(Object.keys(parse(line))).toEqual(['t', 'level', 'event', 'recordId', 'code']);
    expect(parse(line)).toEqual({
      t: '2026-11-27T10:00:00.000Z',
      level: 'warn',
      event: 'record_rejected',
      recordId: 'r-1',
      code: 'E',
    });
  });

  it('does not let a field overwrite the line’s own keys', () => {
    const line = parse(formatLogLine('info', 'e', { t: 'x', level: 'error', event: 'y' }));
    expect(line).toMatchObject({ level: 'info', event: 'e', 'field.t': 'x', 'field.level': 'error' });
  });

  it('never throws, not even when the writer does', () => {
    const lines: string[] = [];
    jsonLinesLogger((l) => lines.push(l)).log('error', 'x', { message: `id ${ID} phone ${PHONE}` });
    expect(lines.join('')).not.toContain(ID);
    expect(lines.join('')).not.toContain(PHONE);
    const failing = jsonLinesLogger(() => {
      throw new Error('EPIPE');
    });
    expect(() => failing.log('error', 'x', { big: 1n })).not.toThrow();
    expect(() =>
      jsonLinesLogger(() => {}).log('info', 'x', null as unknown as Record<string, unknown>),
    ).not.toThrow();
  });
});
