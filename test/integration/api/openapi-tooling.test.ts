// What is made from docs/openapi.json stays true to it: a maintained linter (Redocly's, with
// the project's redocly.yaml) finds no error and no warning in it, and the typed client's
// types (src/api/client/openapi-types.ts) are what openapi-typescript makes of it now.
// (That the file is what the running routes serve is openapi.test.ts's.)
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, clientTypesText, OPENAPI_FILE } from '../../../scripts/client-types.js';
import { tempDir } from '../../helpers/temp.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const run = promisify(execFile);

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** `redocly lint FILE --format=json` with the project's redocly.yaml; the report whatever the exit code. */
async function lint(file: string): Promise<LintReport> {
  const cli = join(
    ROOT,
    'node_modules/@redocly/cli',
    createRequire(import.meta.url)('@redocly/cli/package.json').bin.redocly,
  );
  const args = [cli, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'];
  const out = await run(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    maxBuffer: 16 << 20,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const json = out.stdout.slice(out.stdout.indexOf('{'));
  return JSON.parse(json) as LintReport;
}

const brief = (r: LintReport) =>
  r.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);

describe('redocly lint docs/openapi.json', { timeout: 60_000 }, () => {
  it('reports no error and no warning, and ignores nothing', async () => {
    const report = await lint(OPENAPI_FILE.pathname);
    expect(brief(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('would report a missing operationId, an example that breaks its schema and an undescribed parameter', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    delete doc.paths['/v1/health'].get.operationId;
    doc.paths['/v1/health'].get.responses['200'].content['application/json'].examples.example.value.keypad =
      3;
    delete doc.paths['/v1/prompts/{id}'].get.parameters[0].description;
    const file = join(tempDir(), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const rules = new Set((await lint(file)).problems.map((p) => p.ruleId));
    expect([...rules].sort()).toEqual(
      expect.arrayContaining([
        'no-invalid-media-type-examples',
        'operation-operationId',
        'parameter-description',
      ]),
    );
  });
});

describe('the typed client’s types', () => {
  it('are what openapi-typescript makes of docs/openapi.json now (run `npm run docs` after changing the API)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypesText());
  });

  it('would be found stale after a change to the document', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    doc.components.schemas.Prompt.properties.status.enum.push('withdrawn');
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).not.toBe(await clientTypesText(JSON.stringify(doc)));
  });
});
