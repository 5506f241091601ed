// electron-builder.yml is checked by electron-builder's own validation (the same function
// and schema `electron-builder` runs before it packages anything), so a misspelt or
// misplaced key fails here instead of on the build machine. No Electron download needed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url).pathname;
const ymlFile = join(root, 'electron-builder.yml');

// any: the parsed YAML is checked by the schema, not by types
type Config = Record<string, any>;

function loadYaml(): Config {
  return parse(readFileSync(ymlFile, 'utf8')) as Config;
}

function validate(config: Config): Promise<void> {
  // structuredClone: ajv runs with coerceTypes and may rewrite the object it checks.
  // The cast: the YAML is untyped; the schema is what checks it.
  return validateConfiguration(structuredClone(config) as Configuration, new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(validate(loadYaml())).resolves.toBeUndefined();
  });

  it('is the configuration electron-builder loads for this project, and that passes too', async () => {
    // getConfig is how `electron-builder` finds and merges the file (and package.json's
    // "build" key, if one is ever added) before validating it.
    const config = await getConfig(root, null, null);
    expect(config.appId).toBe(loadYaml().appId);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the same validation rejects an unknown key, at the top and nested, and a wrong type', async () => {
    // So the test above can fail: the schema is strict (additionalProperties: false).
    // electron-builder names the top-level key; below it, the section ("deb should be
    // one of these"), since each section may also be null.
    const top = { ...loadYaml(), notAnOption: true };
    await expect(validate(top)).rejects.toThrow(/notAnOption/);
    const nested = loadYaml();
    nested.deb.afterInstal = nested.deb.afterInstall;
    await expect(validate(nested)).rejects.toThrow(/configuration\.deb\b/);
    const fuse = loadYaml();
    fuse.electronFuses.runAsNodeX = false;
    await expect(validate(fuse)).rejects.toThrow(/configuration\.electronFuses\b/);
    const typed = loadYaml();
    typed.nsis.oneClick = { yes: true };
    await expect(validate(typed)).rejects.toThrow(/configuration\.nsis\b/);
  });

  it('builds deb and AppImage for x64 and arm64, and nsis for x64, into out/', () => {
    const config = loadYaml();
    expect(config.directories.output).toBe('out');
    const targets = (list: { target: string; arch: string[] }[]) =>
      Object.fromEntries(list.map((t) => [t.target, [...t.arch].sort()]));
    expect(targets(config.linux.target)).toEqual({ deb: ['arm64', 'x64'], AppImage: ['arm64', 'x64'] });
    expect(targets(config.win.target)).toEqual({ nsis: ['x64'] });
  });

  it('flips the fuses that keep the installed binary from running other code', () => {
    expect(loadYaml().electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('keeps the app name of package.json, so the data folder is the one `serve` uses', () => {
    // productName is not written into the packaged package.json, and extraMetadata could:
    // a changed name would move every terminal's database and key to another folder.
    const config = loadYaml();
    expect(config.extraMetadata?.name).toBeUndefined();
    expect(config.extraMetadata?.productName).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.name).toBe('haochaping-terminal');
    expect(manifest.productName).toBeUndefined();
    expect(config.linux.executableName).toBe('haochaping-terminal');
  });

  it('points only at files that exist: install scripts, NSIS include, hook, extra resources', () => {
    const config = loadYaml();
    const files = [config.deb.afterInstall, config.deb.afterRemove, config.nsis.include, config.beforePack];
    for (const file of files) {
      expect(existsSync(join(root, file)), `${file} exists`).toBe(true);
    }
    for (const extra of config.linux.extraResources as { from: string; filter: string[] }[]) {
      expect(statSync(join(root, extra.from)).isDirectory(), `${extra.from} is a folder`).toBe(true);
      for (const name of extra.filter.filter((f) => !/[*!]/.test(f))) {
        expect(existsSync(join(root, extra.from, name)), `${extra.from}/${name} exists`).toBe(true);
      }
    }
  });

  it('has no platform-level files list (one of exclusions only would pack the whole project)', () => {
    // electron-builder 26 turns a platform `files` list without an inclusion into a second
    // matcher starting from "**/*": src/, test/ and the source maps would all be packed.
    // test/integration/packaging/pack-dir.test.ts caught exactly that.
    const config = loadYaml();
    for (const section of ['linux', 'win', 'deb', 'appImage', 'nsis']) {
      expect(config[section]?.files, `${section}.files`).toBeUndefined();
    }
  });

  it('unpacks the native modules from the archive (code cannot be loaded from inside app.asar)', () => {
    const unpack = loadYaml().asarUnpack as string[];
    expect(unpack).toContain('node_modules/better-sqlite3/build/Release/*.node');
    expect(unpack.some((p) => p.startsWith('node_modules/@serialport/bindings-cpp/prebuilds'))).toBe(true);
  });

  it('rebuilds native modules through the project hook only (see scripts/package-rebuild-native.js)', () => {
    const config = loadYaml();
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('./scripts/package-rebuild-native.js');
    // A beforeBuild hook returning false would make electron-builder pack no node_modules.
    expect(config.beforeBuild).toBeUndefined();
  });
});
