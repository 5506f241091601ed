// The prompt's QR code end to end: made as the engine makes it, drawn as the citizen sees
// it (the SVG in Chromium) or as a receipt prints it (PNG), read back by real decoders,
// and its token checked the way the platform checks it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptQr, createPromptQrSync } from '../../../src/qr/prompt-qr.js';
import { renderPng, staticQrSvg } from '../../../src/qr/render.js';
import { verifyToken } from '../../../src/qr/verify.js';
import { launchChromium } from '../../helpers/chromium.js';
import { tempDir } from '../../helpers/temp.js';
import { decodeWithJsQr, decodeWithZbar } from './decoders.js';

const CFG = { baseUrl: 'https://hcp.example.gov.cn/m/rate', secret: 'hall-secret-测试', ttlSeconds: 259_200 };
const NOW = Date.UTC(2025, 0, 1, 8, 30);
const FACTS = {
  terminalId: 'HA-0001',
  transactionId: '惠安-20250101-000123',
  serviceCode: '11350521MB0000001X-XK-0001',
  departmentCodes: ['11350521MB0000001X', '11350521MB0000002Y', '11350521MB0000003Z'],
  clerkId: '0012',
  nowMs: NOW,
};

function tokenOf(url: string): string {
  const t = new URL(url).searchParams.get('t');
  if (t === null) throw new Error(`no t= in ${url}`);
  return t;
}

function expectValidFor(url: string) {
  const result = verifyToken(tokenOf(url), CFG.secret, NOW + 60_000);
  expect(result).toEqual({
    ok: true,
    payload: {
      v: 1,
      tid: FACTS.terminalId,
      pno: FACTS.transactionId,
      tc: FACTS.serviceCode,
      dc: FACTS.departmentCodes,
      cn: FACTS.clerkId,
      iat: NOW / 1000,
      exp: NOW / 1000 + CFG.ttlSeconds,
      n: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
    },
  });
}

describe('createPromptQrSync', () => {
  it('gives {url, svg}: the contract URL with a fresh signed token each time', async () => {
    const a = createPromptQrSync(CFG, FACTS);
    const b = await createPromptQr(CFG, FACTS);
    expect(Object.keys(a).sort()).toEqual(['svg', 'url']);
    expect(a.url).toMatch(/^https:\/\/hcp\.example\.gov\.cn\/m\/rate\?t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(a.svg.startsWith('<svg')).toBe(true);
    expect(b.url).not.toBe(a.url);
    expectValidFor(a.url);
    expectValidFor(b.url);
  });

  it('takes its nonce from the injected source', () => {
    const qr = createPromptQrSync({ ...CFG, nonce: () => 'fixed-nonce-0000000' }, FACTS);
    const again = createPromptQrSync({ ...CFG, nonce: () => 'fixed-nonce-0000000' }, FACTS);
    expect(again).toEqual(qr);
    const r = verifyToken(tokenOf(qr.url), CFG.secret, NOW);
    expect(r.ok && r.payload.n).toBe('fixed-nonce-0000000');
  });

  it('writes cn "" without a clerk (kiosk)', () => {
    const r = verifyToken(tokenOf(createPromptQrSync(CFG, { ...FACTS, clerkId: null }).url), CFG.secret, NOW);
    expect(r.ok && r.payload.cn).toBe('');
  });
});

describe('the printed QR (PNG)', () => {
  it('decodes with jsQR and zbarimg to a URL whose token verifies', async () => {
    const dir = tempDir('hcp-qr-');
    const { url } = createPromptQrSync(CFG, FACTS);
    const png = await renderPng(url);
    expect(decodeWithJsQr(png)).toBe(url);
    expect(decodeWithZbar(png, dir)).toBe(url);
    expectValidFor(url);
  });
});

describe('the on-screen QR (SVG drawn by Chromium)', () => {
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  async function screenshot(svg: string, boxPx: number): Promise<Buffer> {
    const page = await chromium.browser.newPage({ viewport: { width: 600, height: 600 } });
    try {
      // The SVG sets no size of its own: it fills the box the screen gives it.
      await page.setContent(
        `<!doctype html><body style="margin:0;background:#1a4f8b"><div id="qr" style="width:${boxPx}px">${svg}</div></body>`,
      );
      const box = await page.locator('#qr svg').boundingBox();
      expect(box && [Math.round(box.width), Math.round(box.height)]).toEqual([boxPx, boxPx]);
      return await page.locator('#qr').screenshot();
    } finally {
      await page.close();
    }
  }

  it('decodes with jsQR and zbarimg at a kiosk size and at a small counter-screen size', async () => {
    const dir = tempDir('hcp-qr-');
    const { url, svg } = createPromptQrSync(CFG, FACTS);
    for (const px of [360, 220]) {
      const png = await screenshot(svg, px);
      expect([px, decodeWithJsQr(png)]).toEqual([px, url]);
      expect([px, decodeWithZbar(png, dir, `screen-${px}.png`)]).toEqual([px, url]);
    }
    expectValidFor(url);
  });

  it("decodes the hall's static QR", async () => {
    const dir = tempDir('hcp-qr-');
    const url = 'https://hcp.example.gov.cn/hall/350521?from=idle';
    const png = await screenshot(staticQrSvg(url), 240);
    expect(decodeWithJsQr(png)).toBe(url);
    expect(decodeWithZbar(png, dir)).toBe(url);
  });
});
