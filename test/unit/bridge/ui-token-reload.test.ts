// ui.token is read once, when the screens' bridge starts: a changed token on SIGHUP is
// reported as needing a restart, by key and never by value.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { restartNeeded } from '../../../src/engine/running-terminal.js';
import { tempDir } from '../../helpers/temp.js';

describe('ui.token on reload', () => {
  it('needs a restart, and the warning names the key, not the token', () => {
    const loaded = loadConfig(null, { dataDir: tempDir() });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const before = loaded.config;
    const after = { ...before, ui: { ...before.ui, token: 'new-secret-token-81f2' } };
    const warnings = restartNeeded(before, after);
    expect(warnings).toEqual(['warning: ui.token changed; it takes effect only after a restart.']);
    expect(warnings.join('\n')).not.toContain('new-secret-token-81f2');
    expect(restartNeeded(before, { ...before, ui: { ...before.ui, volume: 10 } })).toEqual([]);
  });
});
