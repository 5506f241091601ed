// Runs electron-builder for real on this project (Linux x64, unpacked "dir" target) and
// looks inside what it made: the app archive, the unpacked native modules and the
// technician files. The Electron binary cannot be downloaded here, so a stand-in folder
// is given as electronDist; what that leaves out is named below.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { tempDir } from '../../helpers/temp.js';

const root = new URL('../../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);

function fakeElectronDist(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho stand-in for electron\n', { mode: 0o755 });
  writeFileSync(join(dir, 'chrome-sandbox'), '', { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'version'), '45.5.0');
}

describe('electron-builder on this project (linux x64, unpacked)', () => {
  it('packs the built program, its assets and native modules, and the technician files', async () => {
    if (!existsSync(join(root, 'dist/src/electron-main.js')))
      throw new Error('dist/ is missing: run npm run build first (the package is made from it)');
    const work = tempDir('hcp-pack-');
    const electronDist = join(work, 'electron');
    fakeElectronDist(electronDist);
    const out = join(work, 'out');
    // any: the real file, checked by the schema test
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
    config.electronDist = electronDist;
    config.electronVersion = '45.5.0';
    config.directories.output = out;
    // Left out, because they need the real Electron: the fuses are flipped inside its
    // binary, and the hook rebuilds better-sqlite3 against its headers (downloaded).
    // The package then carries this machine's Node build of better-sqlite3 — enough to
    // check that it is packed and unpacked where it must be. In the hook's place, one that
    // records what the real hook would rebuild for, from the context electron-builder gives.
    delete config.electronFuses;
    const seen = join(work, 'rebuild-target.json');
    const recorder = join(work, 'record-target.mjs');
    const realHook = new URL('../../../scripts/package-rebuild-native.js', import.meta.url).href;
    writeFileSync(
      recorder,
      `import { writeFileSync } from 'node:fs';
import { rebuildTarget } from ${JSON.stringify(realHook)};
export default async function beforePack(context) {
  writeFileSync(${JSON.stringify(seen)}, JSON.stringify(rebuildTarget(context)));
}
`,
    );
    expect(config.beforePack).toBe('./scripts/package-rebuild-native.js');
    config.beforePack = recorder;
    const configFile = join(work, 'electron-builder.yml');
    writeFileSync(configFile, stringify(config));

    const { build, Platform, Arch } = require('electron-builder') as typeof import('electron-builder');
    await build({
      projectDir: root,
      config: configFile,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      publish: 'never',
    });

    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({
      appDir: root.replace(/\/$/, ''),
      platform: 'linux',
      arch: 'x64',
      electronVersion: '45.5.0',
    });

    const app = join(out, 'linux-unpacked');
    const resources = join(app, 'resources');
    expect(statSync(join(app, 'haochaping-terminal')).isFile()).toBe(true);

    const asar = require('@electron/asar') as typeof import('@electron/asar');
    const archive = join(resources, 'app.asar');
    const files = new Set(asar.listPackage(archive, { isPack: false }));
    for (const file of [
      '/package.json',
      '/dist/src/electron-main.js',
      '/dist/src/shells/electron/preload.cjs',
      '/dist/src/cli.js',
      '/dist/web/renderer/index.html',
      '/dist/web/renderer/main.js',
      '/assets/config.template.yaml',
      '/assets/reasons.json',
      '/assets/sounds/thanks.wav',
      '/node_modules/serialport/package.json',
      '/node_modules/fastify/package.json',
    ]) {
      expect(files.has(file), `${file} in app.asar`).toBe(true);
    }
    const ours = [...files].filter((f) => !f.startsWith('/node_modules/'));
    expect(ours.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(ours.filter((f) => /^\/(src|test|scripts|drivers|build|out)\//.test(f))).toEqual([]);
    // Dev tools stay out (electron-builder packs production dependencies only).
    expect(files.has('/node_modules/electron/package.json')).toBe(false);
    expect(files.has('/node_modules/vitest/package.json')).toBe(false);

    // The packaged manifest keeps the name that decides the data folder.
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.name).toBe('haochaping-terminal');
    expect(manifest.productName).toBeUndefined();
    expect(manifest.main).toBe('dist/src/electron-main.js');
    expect(files.has(`/${manifest.main as string}`)).toBe(true);

    // Native code sits beside the archive, where it can be loaded.
    const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
    for (const file of [
      'better-sqlite3/build/Release/better_sqlite3.node',
      '@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node',
      '@serialport/bindings-cpp/prebuilds/linux-arm64/@serialport+bindings-cpp.armv8.glibc.node',
    ]) {
      expect(existsSync(join(unpacked, file)), `${file} unpacked`).toBe(true);
    }
    // What a Linux package does not need: sources, other systems' prebuilds.
    for (const absent of [
      'better-sqlite3/deps',
      'better-sqlite3/src',
      '@serialport/bindings-cpp/prebuilds/darwin-x64+arm64',
    ]) {
      expect(existsSync(join(unpacked, absent)), `${absent} left out`).toBe(false);
    }
    expect([...files].some((f) => f.startsWith('/node_modules/better-sqlite3/deps/'))).toBe(false);

    // The technician files, where the deb's after-install script takes them from.
    const linux = join(resources, 'linux');
    for (const [name, executable] of [
      ['hcp-keypad-rule', true],
      ['99-hcp-keypad.rules.template', false],
      ['haochaping-terminal-session', true],
      ['haochaping-terminal.desktop', false],
    ] as const) {
      const mode = statSync(join(linux, name)).mode;
      expect((mode & 0o111) !== 0, `${name} executable: ${executable}`).toBe(executable);
    }
    expect(existsSync(join(linux, 'README.md'))).toBe(false);
  }, 240_000);
});
