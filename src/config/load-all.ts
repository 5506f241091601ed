// Reading the configuration and its reasons catalogue as a running terminal does: at the
// start (where a failure stops it) and at SIGHUP (where a failure changes nothing). Both
// shells read it here, so the two cannot say different things about the same file.

import type { Logger } from '../base/logger.js';
import type { ReasonsCatalogue } from '../core/reasons.js';
import { loadConfig, type TerminalConfig } from './load.js';
import { loadCatalogueOf } from './reasons-catalogue.js';

type Out = (line: string) => void;

export interface LoadIo {
  out: Out;
  err: Out;
}

export type Loaded =
  | { ok: true; config: TerminalConfig; catalogue: ReasonsCatalogue; warnings: string[] }
  | { ok: false; what: 'configuration' | 'reasons catalogue'; errors: string[] };

export interface LoadedAll {
  config: TerminalConfig;
  catalogue: ReasonsCatalogue;
}

/** The configuration and its reasons catalogue, as serve and SIGHUP read them; never prints. */
export function loadChecked(file: string | null): Loaded {
  const loaded = loadConfig(file);
  if (!loaded.ok) return { ok: false, what: 'configuration', errors: loaded.errors };
  // Checked against platform.profile: a real platform takes only the national indicators.
  const reasons = loadCatalogueOf(loaded.config);
  if (!reasons.ok) return { ok: false, what: 'reasons catalogue', errors: reasons.errors };
  return { ok: true, config: loaded.config, catalogue: reasons.catalogue, warnings: loaded.warnings };
}

/** Loads configuration and reasons at the start, or prints why the terminal did not start. */
export function loadAll(file: string | null, io: LoadIo): LoadedAll | null {
  const loaded = loadChecked(file);
  if (!loaded.ok) {
    for (const line of loaded.errors) io.err(line);
    io.err(`The terminal did not start: fix the ${loaded.what} above and start it again.`);
    return null;
  }
  for (const line of loaded.warnings) io.err(`warning: ${line}`);
  return { config: loaded.config, catalogue: loaded.catalogue };
}

/**
 * SIGHUP's reading of the file: the new configuration, or null when it does not load —
 * then one line says so, on the console and in the log with the reasons (the config
 * messages never show a secret's value), and the terminal keeps the one it runs on.
 */
export function loadForReload(
  file: string | null,
  io: LoadIo,
  logger: Pick<Logger, 'log'>,
): LoadedAll | null {
  const loaded = loadChecked(file);
  if (!loaded.ok) {
    const problems =
      loaded.what === 'configuration' ? loaded.errors : loaded.errors.map((e) => `reasons: ${e}`);
    io.err(
      `configuration not reloaded: ${problems.join('; ')}; the terminal keeps running on the previous one`,
    );
    logger.log('error', 'config_reload_failed', { problems });
    return null;
  }
  for (const line of loaded.warnings) io.err(`warning: ${line}`);
  return { config: loaded.config, catalogue: loaded.catalogue };
}
