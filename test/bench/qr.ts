// The prompt's QR code: token + SVG per prompt through createPromptQrSync, against the
// least a signed QR link could cost with the same libraries doing the same encoding: one
// HMAC, and qrcode's own SVG of the same single byte segment at the same error correction
// and quiet zone (qrcode's mixed-mode search on the bare side would be more work, not a
// limit). Both sides are synchronous, and each prompt's text differs (a fresh nonce), so
// the limit encodes texts of the same length that differ the same way. Rounds alternate
// the two so drift and GC land on both alike.

import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { createPromptQrSync } from '../../src/qr/prompt-qr.js';
import { QR_ERROR_CORRECTION, QR_MARGIN, qrSegments } from '../../src/qr/render.js';
import { type Figure, percentile } from './format.js';

// qrcode's own synchronous SVG renderer (what QRCode.toString uses, minus its promise).
const svgTag = createRequire(import.meta.url)('qrcode/lib/renderer/svg-tag.js') as {
  render(qrData: QRCode.QRCode, options: { margin: number }): string;
};

const ROUNDS = 6;
const PER_ROUND = 500;
const WARMUP = 300;

const CFG = { baseUrl: 'https://hcp.example.gov.cn/m/rate', secret: 'bench-secret', ttlSeconds: 259_200 };

function facts(i: number) {
  return {
    terminalId: 'HA-0001',
    transactionId: `HA-0001-20250101-${String(i).padStart(6, '0')}`,
    serviceCode: '11350521MB0000001X-XK-0001',
    departmentCodes: ['11350521MB0000001X'],
    clerkId: '0012',
    nowMs: 1_735_689_600_000 + i * 1000,
  };
}

function ours(i: number): string {
  return createPromptQrSync(CFG, facts(i)).svg;
}

function bare(text: string): string {
  createHmac('sha256', CFG.secret).update(text).digest('base64url');
  const symbol = QRCode.create(qrSegments(text), { errorCorrectionLevel: QR_ERROR_CORRECTION });
  return svgTag.render(symbol, { margin: QR_MARGIN });
}

export async function qrFigures(): Promise<Figure[]> {
  // The texts ours makes, made beforehand: the limit encodes real prompt links.
  const texts = Array.from({ length: PER_ROUND }, (_, i) => createPromptQrSync(CFG, facts(i)).url);
  for (let i = 0; i < WARMUP; i++) {
    ours(i);
    bare(texts[i % PER_ROUND] as string);
  }
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < PER_ROUND; i++) {
      const t0 = process.hrtime.bigint();
      ours(n++);
      oursMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    for (let i = 0; i < PER_ROUND; i++) {
      const text = texts[i] as string;
      const t0 = process.hrtime.bigint();
      bare(text);
      bareMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return [
    {
      name: 'QR token + SVG per prompt (p99)',
      value: percentile(oursMs, 99),
      unit: 'ms',
      limit: percentile(bareMs, 99),
      limitUnit: 'ms',
      limitWhat: "bare HMAC + qrcode's own SVG of the same byte segment, same EC level and margin, p99",
      better: 'lower',
    },
  ];
}
