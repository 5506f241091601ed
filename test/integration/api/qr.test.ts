// The API's QR codes, as a business system and a receipt printer get them: the token
// in the URL verifies, and the printed PNG decodes to the same URL.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApi } from '../../../src/api/server.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { createPromptQrSync } from '../../../src/qr/prompt-qr.js';
import { verifyToken } from '../../../src/qr/verify.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig } from '../../helpers/core-fixture.js';
import { tempDir } from '../../helpers/temp.js';
import { decodeWithJsQr } from '../qr/decoders.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('QR codes through the API', () => {
  it('a prompt carries a signed QR link, printable as a PNG while it is open', async () => {
    const dir = tempDir();
    const terminal = new Terminal({
      config: coreConfig(),
      openStore: () => RatingStore.open({ path: join(dir, 't.db'), keyFile: join(dir, 't.key') }),
      qrFor: (f) =>
        createPromptQrSync(
          { baseUrl: 'https://hcp.example.gov.cn/m/rate', secret: 'qr-secret', ttlSeconds: 259200 },
          {
            terminalId: 'HA-0001',
            transactionId: f.request.transactionId,
            serviceCode: f.request.service.code,
            departmentCodes: f.request.departments.map((d) => d.code),
            clerkId: f.clerkId,
            nowMs: f.now,
          },
        ),
    });
    terminal.start();
    const api = await startApi({
      ops: terminal,
      settings: {
        host: '127.0.0.1',
        port: 0,
        token: null,
        revealRatings: false,
        corsOrigins: [],
        rateLimit: 50,
      },
      version: 't',
      terminalId: 'HA-0001',
    });
    stops.push(
      () => api.close(),
      () => terminal.stop(),
    );
    terminal.signIn(clerk);
    const res = await fetch(`${api.url}/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        transactionId: 'TX-QR-1',
        service: { code: 'S-9', name: '事项' },
        departments: [{ code: 'D-1', name: '部门' }],
        mode: 'single',
      }),
    });
    const body = (await res.json()) as { id: string; qr: { url: string; svg: string } };
    expect(body.qr.svg).toMatch(/^<svg/);
    const token = new URL(body.qr.url).searchParams.get('t') as string;
    const verified = verifyToken(token, 'qr-secret', Date.now());
    expect(verified).toMatchObject({
      ok: true,
      payload: { v: 1, tid: 'HA-0001', pno: 'TX-QR-1', tc: 'S-9', dc: ['D-1'], cn: '0107' },
    });
    expect(verifyToken(token, 'another-secret', Date.now())).toEqual({ ok: false, reason: 'bad_signature' });

    const png = await fetch(`${api.url}/prompts/${body.id}/qr.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(decodeWithJsQr(Buffer.from(await png.arrayBuffer()))).toBe(body.qr.url);

    terminal.intent({ type: 'rate', level: 5 });
    const after = await fetch(`${api.url}/prompts/${body.id}/qr.png`);
    expect(after.status).toBe(409);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('no_qr');
    expect((await fetch(`${api.url}/prompts/nope/qr.png`)).status).toBe(404);
  });
});
