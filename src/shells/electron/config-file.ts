// Where the Electron app's configuration lives: `--config FILE`, or the machine-wide
// /etc/haochaping/config.yaml, or config.yaml in the app's user-data folder, written from
// the commented template on first run so a technician finds a file to edit. No Electron
// import: tested on Node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from '../../base/durable-file.js';
import { PACKAGE_ROOT } from '../../base/package-root.js';
import { defaultConfigFile, type PlatformFacts } from '../../config/user-data-dir.js';

export const TEMPLATE_FILE = join(PACKAGE_ROOT, 'assets', 'config.template.yaml');

export function configArgument(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--config' || a === '-c') return argv[i + 1] ?? null;
    if (a.startsWith('--config=')) return a.slice('--config='.length);
  }
  return null;
}

/**
 * The file to load: --config, else the one the app uses without it (src/config/
 * user-data-dir.ts: the machine-wide file, else the user's); the user's is created from
 * the template when it does not exist.
 */
export function resolveConfigFile(
  argv: readonly string[],
  userDataDir: string,
  facts?: PlatformFacts,
): { file: string; created: boolean } {
  const given = configArgument(argv);
  if (given) return { file: given, created: false };
  const chosen = defaultConfigFile(userDataDir, facts);
  if (chosen.where === 'machine' || existsSync(chosen.file)) return { file: chosen.file, created: false };
  // Durable and whole: a power cut must not leave an empty config.yaml, which would
  // stop every later start until a technician came. Exclusive: a technician's own
  // file, put there meanwhile, is never overwritten.
  const created = writeFileDurable(chosen.file, readFileSync(TEMPLATE_FILE), { exclusive: true });
  return { file: chosen.file, created };
}
