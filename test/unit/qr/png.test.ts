// The receipt PNG is written from the module grid as a 1-bit grayscale image, not
// painted as RGBA and filtered in JavaScript: the old way held the engine's thread for
// tens of milliseconds per receipt, and key presses waited behind it under a business
// system's load (bench group `keypad`). Decoding and the symbol's identity with the SVG
// are checked in render.test.ts and by zbarimg in test/integration/qr.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { QR_MARGIN, qrMatrix, renderPng } from '../../../src/qr/render.js';

const URL_TEXT = 'https://hcp.example.gov.cn/m/rate?t=eyJ2IjoxfQ.BWs5JZFjCNXtzoNYew4dRnkrRAURFlfhsJZ8hButVKM';

describe('the receipt PNG', () => {
  it('is 1-bit grayscale: a QR needs nothing more', async () => {
    const png = await renderPng(URL_TEXT, { scale: 6 });
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect({ bitDepth: png[24], colorType: png[25], interlace: png[28] }).toEqual({
      bitDepth: 1,
      colorType: 0,
      interlace: 0,
    });
  });

  it('has a white quiet zone and black finder corners, pixel for pixel at any scale', async () => {
    for (const scale of [1, 3, 6]) {
      const png = PNG.sync.read(await renderPng(URL_TEXT, { scale }));
      const { size } = qrMatrix(URL_TEXT);
      expect(png.width).toBe((size + 2 * QR_MARGIN) * scale);
      const red = (x: number, y: number) => png.data[(y * png.width + x) * 4];
      expect(red(0, 0)).toBe(255);
      expect(red(png.width - 1, png.height - 1)).toBe(255);
      // The top-left finder's corner module, and the last pixel of it.
      const at = QR_MARGIN * scale;
      expect(red(at, at)).toBe(0);
      expect(red(at + scale - 1, at + scale - 1)).toBe(0);
      // The light ring inside the finder (module 1,1).
      expect(red(at + scale, at + scale)).toBe(255);
    }
  });

  it('reuses the symbol drawn for the screen when the receipt asks for the same text', () => {
    expect(qrMatrix(URL_TEXT)).toBe(qrMatrix(URL_TEXT));
  });
});
