// The repository carries its own reference: no Markdown page links outside it (no
// ../shared), and every relative link points at a file that exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'out', 'test-results', 'coverage', '.git']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

describe('Markdown links', () => {
  const files = markdownFiles(ROOT);

  it('finds the pages (README and docs/)', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/kp1.md']));
  });

  it('never leave the repository, and point at files that exist', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = (match[1] as string).split('#')[0] as string;
        if (target === '' || /^[a-z]+:/i.test(target)) continue;
        const path = resolve(dirname(file), decodeURI(target));
        const where = relative(ROOT, file);
        if (relative(ROOT, path).startsWith('..'))
          problems.push(`${where}: ${target} is outside the repository`);
        else if (!existsSync(path)) problems.push(`${where}: ${target} does not exist`);
      }
      if (text.includes('../shared')) problems.push(`${relative(ROOT, file)}: mentions ../shared`);
    }
    expect(problems).toEqual([]);
  });
});
