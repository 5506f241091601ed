// The GWQ codec alone: any text is read without throwing, and the answers are the
// contract's, byte for byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answer,
  outcomeAnswer,
  pageAllowed,
  parseRequest,
  versionAnswer,
} from '../../../src/compat/gwq/codec.js';

describe('the GWQ codec', () => {
  it('reads any text without throwing, and every request kind answers a JSON object', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = parseRequest(text);
          expect(['version', 'end', 'evaluate', 'show_page', 'no_device', 'invalid']).toContain(r.kind);
        },
      ),
      { numRuns: 5_000, seed: 22 },
    );
    expect(parseRequest('['.repeat(200_000)).kind).toBe('invalid');
    expect(parseRequest('{"__proto__":{"type":10}}')).toEqual({
      kind: 'invalid',
      type: null,
      problem: 'no integer type',
    });
  });

  it('writes the answers as the contract spells them', () => {
    expect(versionAnswer('0.1.0')).toBe('{"type":0,"ret":0,"version":"haochaping-terminal 0.1.0"}');
    expect(answer(null, -1)).toBe('{"type":null,"ret":-1}');
    expect(answer(24, -3)).toBe('{"type":24,"ret":-3}');
    const settings = { answerLevel: true, levelMap: [1, 2, 3, 4, 4] };
    expect(outcomeAnswer({ status: 'rated', level: 5 }, settings)).toBe(
      '{"type":10,"ret":0,"EvaluatorLevel":1}',
    );
    expect(outcomeAnswer({ status: 'rated', level: 2 }, settings)).toBe(
      '{"type":10,"ret":0,"EvaluatorLevel":4}',
    );
    expect(outcomeAnswer({ status: 'rated', level: 1 }, { ...settings, answerLevel: false })).toBe(
      '{"type":10,"ret":0,"EvaluatorLevel":0}',
    );
    expect(outcomeAnswer({ status: 'expired' }, settings)).toBe('{"type":10,"ret":-2}');
    expect(outcomeAnswer({ status: 'declined' }, settings)).toBe('{"type":10,"ret":-9}');
    expect(outcomeAnswer({ status: 'cancelled' }, settings)).toBe('{"type":10,"ret":-9}');
    expect(outcomeAnswer({ status: 'unreadable' }, settings)).toBe('{"type":10,"ret":-7}');
  });

  it('labels a base64 photo by its first bytes, with or without a data: prefix', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]).toString('base64');
    const webp = Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1').toString('base64');
    const photo = (p: unknown) => {
      const r = parseRequest(JSON.stringify({ type: 10, TellerName: 'a', TellerNo: 'b', TellerPhoto: p }));
      return r.kind === 'evaluate' ? r.photo : r;
    };
    expect(photo(png)).toEqual({ kind: 'image', dataUrl: `data:image/png;base64,${png}` });
    expect(photo(`data:image/png;base64,${png}`)).toEqual({
      kind: 'image',
      dataUrl: `data:image/png;base64,${png}`,
    });
    expect(photo(webp)).toEqual({ kind: 'image', dataUrl: `data:image/webp;base64,${webp}` });
    // Labelled JPEG, but the bytes are a PNG: the label is the bytes'.
    expect(photo(`data:image/jpeg;base64,${png}`)).toEqual({
      kind: 'image',
      dataUrl: `data:image/png;base64,${png}`,
    });
    expect(photo('D:\\photos\\0427.jpg')).toEqual({ kind: 'ignored', why: 'path' });
    expect(photo('R0lGODlhAQABAAAAACw=')).toEqual({ kind: 'ignored', why: 'other' });
    expect(photo(undefined)).toEqual({ kind: 'none' });
  });

  it('allows a page only of the listed origins', () => {
    expect(pageAllowed('https://a.example/x?t=1', ['https://a.example'])).toBe(true);
    expect(pageAllowed('https://a.example:8443/x', ['https://a.example'])).toBe(false);
    expect(pageAllowed('https://a.example.evil/x', ['https://a.example'])).toBe(false);
    expect(pageAllowed('https://user@a.example/x', ['https://a.example'])).toBe(false);
  });
});
