// The prompt's QR code: token + SVG per prompt through createPromptQrSync, against the
// least any QR link could cost with the same libraries: one HMAC and qrcode's own SVG
// of the same text. Rounds alternate the two so drift and GC land on both alike.

import { createHmac } from 'node:crypto';
import QRCode from 'qrcode';
import { createPromptQrSync } from '../../src/qr/prompt-qr.js';
import { type Figure, percentile } from './format.js';

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

async function bare(text: string): Promise<string> {
  createHmac('sha256', CFG.secret).update(text).digest('base64url');
  return QRCode.toString(text, { type: 'svg' });
}

export async function qrFigures(): Promise<Figure[]> {
  const text = createPromptQrSync(CFG, facts(0)).url;
  for (let i = 0; i < WARMUP; i++) {
    ours(i);
    await bare(text);
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
      const t0 = process.hrtime.bigint();
      await bare(text);
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
      limitWhat: "bare HMAC + qrcode's own SVG of the same text, p99",
      better: 'lower',
    },
  ];
}
