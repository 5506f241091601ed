// docs/configuration.md is generated from the schema: regenerate it here and compare, so a
// key added, removed or changed in src/config/schema.ts without `npm run docs` fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys, renderConfigDocs } from '../../../scripts/config-docs.js';

const page = () => readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('is exactly what the schema generates (run `npm run docs` after changing the schema)', () => {
    expect(page()).toBe(renderConfigDocs());
  });

  it('lists the keys a technician sets, with their defaults', () => {
    const byPath = new Map(configKeys().map((k) => [k.path, k]));
    expect(byPath.get('terminal.id')?.default).toBe('(required)');
    expect(byPath.get('api.port')?.default).toBe('`7480`');
    expect(byPath.get('keypad.keymap')?.default).toBe('`[5,4,3,2,1]`');
    expect(byPath.get('api.corsOrigins')?.default).toBe('`[]`');
    expect(byPath.get('prompt.invite.service.name')?.type).toBe('text (1–100 characters)');
  });

  it("says what SIGHUP changes by the engine's own rule (contract: platform, api.token, revealRatings, corsOrigins, prompt, reasons, ui.volume)", () => {
    const reloads = Object.fromEntries(configKeys().map((k) => [k.path, k.reloads]));
    for (const key of [
      'platform.url',
      'api.token',
      'api.revealRatings',
      'api.corsOrigins',
      'prompt.timeoutSeconds',
      'reasons',
      'ui.volume',
    ]) {
      expect(reloads[key], key).toBe(true);
    }
    for (const key of ['api.port', 'ui.port', 'store.path', 'keypad.driver', 'keypad.path', 'qr.secret']) {
      expect(reloads[key], key).toBe(false);
    }
  });
});
