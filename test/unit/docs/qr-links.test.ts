// The worked example in docs/qr-links.md must be a token the terminal's verifier accepts,
// with the payload the page prints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../../src/qr/verify.js';

const page = readFileSync(new URL('../../../docs/qr-links.md', import.meta.url), 'utf8');

describe('docs/qr-links.md', () => {
  it('its worked example verifies, with the payload it shows', () => {
    const token = /^TOKEN {3}= (\S+)$/m.exec(page)?.[1];
    const payload = /^PAYLOAD = (\{.*\})$/m.exec(page)?.[1];
    expect(token, 'the page shows TOKEN   = …').toBeDefined();
    expect(payload, 'the page shows PAYLOAD = {…}').toBeDefined();
    const shown = JSON.parse(payload as string);
    const result = verifyToken(token as string, 'example-secret', (shown.iat + 60) * 1000);
    expect(result).toEqual({ ok: true, payload: shown });
    expect(verifyToken(token as string, 'example-secret', shown.exp * 1000)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});
