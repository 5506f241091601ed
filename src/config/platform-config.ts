// Resolves `platform.*` through its profile's descriptor: the profile fills its defaults
// and reads the files it names (relative to the configuration file), then its adapter
// checks what the schema cannot (a template's placeholders, header names), so that a
// configuration that loads always makes an adapter — at start and on SIGHUP alike.

import { readBoundedFileSync } from '../base/read-bounded-file.js';
import { defaultChannel, URL_ADVICE } from '../profiles/common.js';
import type { ProfileProblem, ResolveContext } from '../profiles/descriptor.js';
import { type PlatformSection, type ProfileRegistry, profileOf } from '../profiles/registry.js';
import type { PlatformFile } from './platform-schema.js';
import { fileProblemLine } from './read-yaml-file.js';
import type { TerminalMode } from './terminal-config.js';

export type PlatformResult =
  | { ok: true; platform: PlatformSection | null; warnings: string[] }
  | { ok: false; errors: string[] };

function checkLine(
  label: string,
  problem: ProfileProblem,
  advised: (key: string) => string | undefined,
): string {
  const key = /^platform\.(\w+):/.exec(problem.message)?.[1] ?? '';
  const where = problem.inFile !== undefined ? ` (in ${problem.inFile})` : '';
  const advice =
    advised(key) ?? (key === 'url' ? URL_ADVICE : "check it against the platform's interface document");
  return `${label}: ${problem.message}${where}; ${advice}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

function contextFor(label: string, resolvePath: (written: string) => string): ResolveContext {
  return {
    label,
    resolvePath,
    readFile(key, file, maxBytes) {
      try {
        // A regular file of at most maxBytes, or why not (a FIFO, /dev/zero, a 50 MB file).
        return { bytes: readBoundedFileSync(file, { maxBytes }).bytes };
      } catch (err) {
        const hint = `check platform.${key} (a relative path is relative to the configuration file)`;
        return { error: `${label}: platform.${key}: ${fileProblemLine(file, err, hint)}` };
      }
    },
  };
}

export function resolvePlatform(
  registry: ProfileRegistry,
  label: string,
  file: PlatformFile | null,
  mode: TerminalMode,
  resolvePath: (written: string) => string,
): PlatformResult {
  if (file === null) return { ok: true, platform: null, warnings: [] };
  const profile = profileOf(registry, file);
  const common = {
    url: file.url,
    channel: file.channel ?? defaultChannel(mode),
    timeoutSeconds: file.timeoutSeconds,
  };
  const resolved = profile.resolve(file, common, contextFor(label, resolvePath));
  if ('error' in resolved) return { ok: false, errors: [resolved.error] };
  const problem = profile.check(resolved.section);
  if (problem !== null) {
    return { ok: false, errors: [checkLine(label, problem, (key) => profile.keys[key]?.advice)] };
  }
  return { ok: true, platform: resolved.section as PlatformSection, warnings: [] };
}
