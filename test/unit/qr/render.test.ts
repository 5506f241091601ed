import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QR_MARGIN, qrMatrix, qrSvg, renderPng, renderSvg, staticQrSvg } from '../../../src/qr/render.js';
import { innerModules, svgModules } from './svg-modules.js';

// jsqr is CommonJS typed as an ES module: under NodeNext its function is `.default`.
const jsQR = jsqrModule.default;

const TEXTS = [
  'https://hcp.example.gov.cn/m/rate?t=eyJ2IjoxfQ.BWs5JZFjCNXtzoNYew4dRnkrRAURFlfhsJZ8hButVKM',
  'https://hcp.example.gov.cn/hall/350521',
  '惠安县行政服务中心 好差评',
  'x',
  `https://hcp.example.gov.cn/m/rate?t=${'A'.repeat(1200)}`,
];

describe('qrSvg', () => {
  it('draws exactly the modules qrcode computes, inside a light quiet zone', () => {
    for (const text of TEXTS) {
      const svg = qrSvg(text);
      const grid = svgModules(svg);
      const inner = innerModules(grid, QR_MARGIN);
      const { modules } = QRCode.create([{ mode: 'byte', data: Buffer.from(text, 'utf8') }], {
        errorCorrectionLevel: 'M',
      });
      expect(inner.size).toBe(modules.size);
      expect(Buffer.from(inner.data).equals(Buffer.from(modules.data))).toBe(true);
    }
  });

  it('uses error correction M, in one byte segment', () => {
    const text = TEXTS[0] as string;
    const { modules } = QRCode.create([{ mode: 'byte', data: Buffer.from(text, 'utf8') }], {
      errorCorrectionLevel: 'M',
    });
    const high = QRCode.create([{ mode: 'byte', data: Buffer.from(text, 'utf8') }], {
      errorCorrectionLevel: 'H',
    });
    expect(qrMatrix(text).size).toBe(modules.size);
    expect(qrMatrix(text).size).toBeLessThan(high.modules.size);
  });

  it('is a self-contained <svg> element that scales to any box', () => {
    const svg = qrSvg(TEXTS[0] as string);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/width=|height=|href|<image|<style|<script/);
  });

  it('is the same through renderSvg and for the static QR', async () => {
    const url = TEXTS[1] as string;
    expect(await renderSvg(url)).toBe(qrSvg(url));
    expect(staticQrSvg(url)).toBe(qrSvg(url));
  });

  it('throws on text too long for any QR version', () => {
    expect(() => qrSvg('x'.repeat(3000))).toThrow();
  });
});

describe('renderPng', () => {
  it('is a PNG that jsQR decodes back to the text, the same symbol as the SVG', async () => {
    for (const text of TEXTS) {
      const png = PNG.sync.read(await renderPng(text, { scale: 3 }));
      const grid = svgModules(qrSvg(text));
      expect(png.width).toBe(grid.full * 3);
      const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      expect(decoded?.data ?? decoded).toBe(text);
      // Sample each module's centre: the PNG and the SVG draw the same grid.
      const sampled = new Uint8Array(grid.full * grid.full);
      for (let y = 0; y < grid.full; y++) {
        for (let x = 0; x < grid.full; x++) {
          const red = png.data[((y * 3 + 1) * png.width + (x * 3 + 1)) * 4] as number;
          sampled[y * grid.full + x] = red < 128 ? 1 : 0;
        }
      }
      expect(Buffer.from(sampled).equals(Buffer.from(grid.dark))).toBe(true);
    }
  });

  it('scales 4 pixels a module by default', async () => {
    const png = PNG.sync.read(await renderPng('x'));
    expect(png.width).toBe((qrMatrix('x').size + 2 * QR_MARGIN) * 4);
  });
});
