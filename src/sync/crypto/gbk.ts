// GBK text for XML documents declared GB2312, as Windows writes them. iconv-lite does
// the code pages; what it cannot encode it would write as "?", which would silently
// change a citizen's name, so such characters become XML character references.

import iconv from 'iconv-lite';

/**
 * UTF-16 text → GBK bytes, every character GBK lacks written as `&#x…;`. Only for XML
 * content (text and attribute values), where a character reference means the character.
 */
export function encodeGbkXml(text: string): Buffer {
  const whole = iconv.encode(text, 'gbk');
  if (iconv.decode(whole, 'gbk') === text) return whole;
  let out = '';
  for (const ch of text) {
    out +=
      iconv.decode(iconv.encode(ch, 'gbk'), 'gbk') === ch ? ch : `&#x${ch.codePointAt(0)?.toString(16)};`;
  }
  return iconv.encode(out, 'gbk');
}

export class GbkDecodeError extends Error {}

/** GBK bytes → text; throws on bytes that are not GBK (never guesses a character). */
export function decodeGbkStrict(bytes: Buffer): string {
  const text = iconv.decode(bytes, 'gbk');
  // iconv-lite marks undecodable bytes with U+FFFD, which GBK itself cannot contain.
  if (text.includes('\uFFFD')) throw new GbkDecodeError('the bytes are not valid GBK');
  return text;
}
