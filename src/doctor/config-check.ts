// doctor's first check: the file loads exactly as `serve` would load it, reasons
// catalogue included (a broken catalogue stops serve too). When it does not, nothing
// else can be checked: the findings say why and the run stops there.

import { loadConfig, type TerminalConfig } from '../config/load.js';
import { loadCatalogueOf } from '../config/reasons-catalogue.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { BUILT_IN_PROFILES, type ProfileRegistry } from '../profiles/registry.js';
import { type Finding, failFromMessage, ok, warn } from './report.js';

export type ConfigCheck =
  | { ok: true; config: TerminalConfig; catalogue: ReasonsCatalogue; findings: Finding[] }
  | { ok: false; findings: Finding[] };

const FIX = 'fix it in the file and run doctor again';

/**
 * The file given, as `serve` and the app load it. `origin` says why this file (doctor run
 * without --config: which of the app's own files it is), shown on the `ok` line.
 */
export function checkConfig(
  file: string,
  origin: string | null = null,
  profiles: ProfileRegistry = BUILT_IN_PROFILES,
): ConfigCheck {
  const loaded = loadConfig(file, { profiles });
  if (!loaded.ok) {
    return { ok: false, findings: loaded.errors.map((line) => failFromMessage('config', line, FIX)) };
  }
  const { config } = loaded;
  const reasons = loadCatalogueOf(config, profiles);
  if (!reasons.ok) {
    return { ok: false, findings: reasons.errors.map((line) => failFromMessage('config', line, FIX)) };
  }
  const summary = `${config.source.file ?? file} (${origin ? `${origin}; ` : ''}terminal ${config.terminal.id}, ${config.terminal.mode}, keypad ${config.keypad.driver})`;
  return {
    ok: true,
    config,
    catalogue: reasons.catalogue,
    // Sample secrets are allowed to start (a bench terminal), but a live one must not sign with them.
    findings: [ok('config', summary), ...loaded.warnings.map((line) => warn('config', line))],
  };
}
