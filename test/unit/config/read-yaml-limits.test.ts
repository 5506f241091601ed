// The bounded YAML parse on real files: each limit stops the parse with a line that says
// what is wrong and where; real files (the template, the national catalogue) are far
// inside every limit; and a duplicate key is found by a linear check, with the key's path.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile, YAML_LIMITS } from '../../../src/config/read-yaml-file.js';
import { BUILT_IN_REASONS_FILE } from '../../../src/config/reasons-catalogue.js';
import { tempDir } from '../../helpers/temp.js';

const TEMPLATE = new URL('../../../assets/config.template.yaml', import.meta.url).pathname;
const HINT = 'check the --config path';

function read(text: string, limits = YAML_LIMITS) {
  const file = join(tempDir(), 'config.yaml');
  writeFileSync(file, text);
  return readYamlFile(file, 'config.yaml', HINT, limits);
}

function error(text: string, limits = YAML_LIMITS): string {
  const result = read(text, limits);
  if (result.ok) throw new Error('the file loaded');
  expect(result.errors).toHaveLength(1);
  return result.errors[0] ?? '';
}

describe('files the terminal really reads', () => {
  it('the commented template and the national catalogue load, far inside every limit', () => {
    const tight = { ...YAML_LIMITS, maxLines: 200, maxItems: 1_000, maxDepth: 8, maxAliases: 0 };
    for (const file of [TEMPLATE, BUILT_IN_REASONS_FILE]) {
      const result = readYamlFile(file, file, HINT, tight);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    expect(readFileSync(BUILT_IN_REASONS_FILE).length).toBeLessThan(YAML_LIMITS.maxBytes / 100);
  });

  it('a file of a few thousand keys, under every limit, loads with every key', () => {
    const keys = Array.from({ length: 3_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const result = read(keys);
    expect(result.ok && Object.keys(result.value as object).length).toBe(3_000);
  });
});

describe('each limit', () => {
  it('items: 80 000 keys in under 1 MiB stop at the limit', () => {
    const text = Array.from({ length: 80_000 }, (_, i) => `k${i.toString(36)}: 1`).join('\n');
    expect(text.length).toBeLessThan(YAML_LIMITS.maxBytes);
    expect(error(text)).toBe(
      `config.yaml: the file holds more than 10 000 keys, values and other YAML items, more than the terminal reads from one file; ${HINT}`,
    );
  });

  it('items count punctuation too: a line of 500 000 commas', () => {
    expect(error(`[${','.repeat(500_000)}]`)).toContain('more than 10 000 keys, values and other YAML items');
  });

  it('lines: 30 000 comment lines', () => {
    expect(error('# a comment\n'.repeat(30_000))).toBe(
      `config.yaml: the file has more than 20 000 lines, more than the terminal reads from one file; ${HINT}`,
    );
  });

  it('depth: brackets and block lists 100 000 deep, with where', () => {
    expect(error(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(
      'config.yaml: line 1, column 35: the file nests more than 32 levels deep here; check the indentation and the brackets there',
    );
    expect(error(`a:\n${'- '.repeat(100_000)}x\n`)).toMatch(
      /^config\.yaml: line 2, column \d+: the file nests more than 32/,
    );
  });

  it('depth: 30 levels of indented keys still load', () => {
    const nested = Array.from({ length: 30 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n');
    expect(read(`${nested} x\n`).ok).toBe(true);
  });

  it('aliases: more than 100, with where the 101st is', () => {
    const text = `a: &a x\n${Array.from({ length: 101 }, (_, i) => `b${i}: *a`).join('\n')}\n`;
    expect(error(text)).toBe(
      'config.yaml: line 102, column 7: the file has more than 100 aliases (*name); write the values out instead of referring to them',
    );
  });

  it('aliases: a bomb of a few hundred bytes is refused before it expands', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 9; i++) {
      const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
    }
    expect(error(text)).toBe(
      'config.yaml: the aliases (*name) in the file expand to too much data; write the values out instead of referring to them',
    );
  });

  it('documents: a second one, however many follow', () => {
    expect(error(`a: 1\n${'---\n'.repeat(200_000)}`)).toBe(
      'config.yaml: line 2, column 1: a second YAML document starts here; the file must hold one: remove this line (---) or what follows it',
    );
    expect(read('%YAML 1.2\n---\na: 1\n...\n').ok).toBe(true);
  });

  it('bytes: a file over 1 MiB is refused by its size', () => {
    // 6 bytes over: rounded, that is "1 MiB", so the line gives the bytes.
    expect(error(`a: "${'x'.repeat(YAML_LIMITS.maxBytes)}"\n`)).toBe(
      `config.yaml: cannot use the file (it is ${YAML_LIMITS.maxBytes + 6} bytes, more than the 1 MiB this file may be); ${HINT}`,
    );
    expect(error(`a: "${'x'.repeat(3 * YAML_LIMITS.maxBytes)}"\n`)).toContain(
      '(it is 3 MiB, more than the 1 MiB',
    );
  });
});

describe('a key written twice', () => {
  it('names the key by its path, where it is and where it first was', () => {
    expect(error('terminal:\n  id: A\nui:\n  port: 1\n  port: 2\n')).toBe(
      'config.yaml: line 5, column 3: ui.port is written twice (first at line 4); keep one of them',
    );
    expect(error('levels:\n  "1":\n    - code: a\n      code: b\n')).toBe(
      'config.yaml: line 4, column 7: levels.1[0].code is written twice (first at line 3); keep one of them',
    );
  });

  it('is found as yaml finds it: scalars of the same value; the same name in two maps is fine', () => {
    expect(error('{"a": 1, "a": 2}')).toContain('a is written twice');
    expect(read('a: {x: 1}\nb: {x: 1}\n').ok).toBe(true);
  });

  it('is found among 3 000 keys, at the second one', () => {
    const keys = Array.from({ length: 3_000 }, (_, i) => `k${i}: 1`);
    keys.push('k0: 2');
    expect(error(keys.join('\n'))).toBe(
      'config.yaml: line 3001, column 1: k0 is written twice (first at line 1); keep one of them',
    );
  });
});
