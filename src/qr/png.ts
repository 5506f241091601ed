// A QR symbol as a PNG for the receipt printer (GET /v1/prompts/{id}/qr.png), written
// straight from the module grid as a 1-bit grayscale image. qrcode's own PNG path
// paints an RGBA bitmap pixel by pixel and filters it in JavaScript (pngjs): tens of
// milliseconds on the engine's thread for each receipt, during which key presses and
// commits wait (the bench's `keypad` group showed press → commit p99 rising several-fold
// under a business system's load). Here the rows are built once per module row, the
// deflate runs on libuv's thread pool, and the file is a tenth of the size.

import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';
import type { QrMatrix } from './render.js';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** Dark modules black (bit 0), the quiet zone and light modules white (bit 1). */
export async function matrixToPng(matrix: QrMatrix, scale: number, margin: number): Promise<Buffer> {
  const { size, data } = matrix;
  const width = (size + 2 * margin) * scale;
  const rowBytes = Math.ceil(width / 8);
  // Each scanline: filter type 0 (none), then the row's bits, most significant first.
  const line = 1 + rowBytes;
  const raw = Buffer.alloc(line * width, 0xff);
  for (let y = 0; y < width; y++) raw[y * line] = 0;
  for (let row = 0; row < size; row++) {
    const first = (row + margin) * scale * line;
    for (let col = 0; col < size; col++) {
      if (!data[row * size + col]) continue;
      const x0 = (col + margin) * scale;
      for (let x = x0; x < x0 + scale; x++) {
        const at = first + 1 + (x >> 3);
        raw[at] = (raw[at] as number) & ~(0x80 >> (x & 7));
      }
    }
    // The module row is `scale` pixels tall: the same scanline again.
    for (let k = 1; k < scale; k++) raw.copy(raw, first + k * line, first, first + line);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // grayscale; compression, filter and interlace methods stay 0
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', await deflateAsync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
