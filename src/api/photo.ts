// The clerk's photo: a data URL of at most 40 KiB, JPEG, PNG or WebP — judged by its
// bytes, not its label, since a label costs nothing to fake.

export const MAX_PHOTO_BYTES = 40 * 1024;

type ImageType = 'jpeg' | 'png' | 'webp';

function sniff(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  return null;
}

/** The photo as a clean data URL of its real type, or the problem with it. */
export function checkPhoto(dataUrl: string): { ok: true; photo: string } | { ok: false; problem: string } {
  const match = /^data:image\/(jpeg|png|webp);base64,([A-Za-z0-9+/]*={0,2})$/.exec(dataUrl);
  if (!match) return { ok: false, problem: 'must be a data URL: data:image/jpeg|png|webp;base64,…' };
  const bytes = Buffer.from(match[2] as string, 'base64');
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, problem: 'must be at most 40 KiB' };
  const type = sniff(bytes);
  if (!type) return { ok: false, problem: 'is not a JPEG, PNG or WebP image' };
  if (type !== match[1]) return { ok: false, problem: `is labelled ${match[1]} but is a ${type} image` };
  return { ok: true, photo: `data:image/${type};base64,${bytes.toString('base64')}` };
}
