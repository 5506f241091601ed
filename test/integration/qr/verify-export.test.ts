// docs/qr-links.md tells a platform to `import { verifyToken } from
// 'haochaping-terminal/qr/verify'`: run exactly that, in a separate Node, against the
// built package (npm test builds first), on tokens the terminal's own code signs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPayload, makeToken, qrUrl } from '../../../src/qr/token.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const CHECKER = `
import { verifyToken, CLOCK_SKEW_SECONDS } from 'haochaping-terminal/qr/verify';
const link = process.env.LINK;
const token = new URL(link).searchParams.get('t') ?? '';
const now = Number(process.env.NOW);
console.log(JSON.stringify({
  right: verifyToken(token, process.env.SECRET, now),
  wrongSecret: verifyToken(token, 'not-the-secret', now),
  late: verifyToken(token, process.env.SECRET, now + 4 * 86400 * 1000),
  skew: CLOCK_SKEW_SECONDS,
}));
`;

describe('haochaping-terminal/qr/verify', () => {
  it('is importable by its documented name and checks a real token', () => {
    if (!existsSync(`${ROOT}dist/src/qr/verify.js`)) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    const now = Date.UTC(2026, 10, 29, 8, 0, 0);
    const payload = buildPayload({
      terminalId: 'HA-0001',
      transactionId: 'TX-1',
      serviceCode: 'S-1',
      departmentCodes: ['D-1'],
      clerkId: '0107',
      nowMs: now,
      ttlSeconds: 259_200,
      nonce: 'n0nce',
    });
    const link = qrUrl('https://hcp.example.gov.cn/m/rate', makeToken(payload, 's3cret'));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHECKER], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LINK: link, SECRET: 's3cret', NOW: String(now + 60_000) },
    });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.right).toEqual({ ok: true, payload });
    expect(got.wrongSecret).toEqual({ ok: false, reason: 'bad_signature' });
    expect(got.late).toEqual({ ok: false, reason: 'expired' });
    expect(got.skew).toBe(300);
  });
});
