// electron-builder's beforePack hook (electron-builder.yml): rebuilds better-sqlite3, and
// only it, for the Electron version, platform and architecture being packaged, before the
// app's files are copied. electron-builder's own rebuild is off (npmRebuild: false).
//
// Not beforeBuild: returning false from it (to skip electron-builder's rebuild) also tells
// electron-builder that node_modules are "handled externally", and it then packs none.
//
// Why not electron-builder's own rebuild of every native module: @serialport/bindings-cpp
// is Node-API and ships prebuilds for every target we package, but @electron/rebuild does
// not recognise their file names and would compile it again — needing a C++ toolchain (and
// a cross compiler for arm64) for nothing. better-sqlite3 is not Node-API: its binary is
// tied to one Electron's V8, so it must be rebuilt for every Electron major and arch.
//
// It works on node_modules in place: after packaging, the project's better-sqlite3 is the
// Electron build and plain Node (tests, `serve`) cannot load it. scripts/package-build.js
// puts the Node build back; after a bare `npx electron-builder`, run
// `npm rebuild better-sqlite3`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_FILE = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

/**
 * The CPU a native module was built for, read from its ELF or PE header, so a package
 * never ships an x64 binary in an arm64 package (it would install, then fail on the
 * terminal). Returns null for a file that is neither.
 */
export function nativeArchOf(bytes) {
  if (
    bytes.length >= 20 &&
    bytes[0] === 0x7f &&
    bytes[1] === 0x45 &&
    bytes[2] === 0x4c &&
    bytes[3] === 0x46
  ) {
    // ELF: e_machine at offset 18, in the file's byte order (byte 5: 1 little, 2 big).
    const machine = bytes[5] === 2 ? (bytes[18] << 8) | bytes[19] : bytes[18] | (bytes[19] << 8);
    return { 62: 'x64', 183: 'arm64', 40: 'armv7l', 3: 'ia32' }[machine] ?? `elf-machine-${machine}`;
  }
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    // PE: the offset of "PE\0\0" is at 0x3c; the machine field follows it.
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 > bytes.length || bytes.readUInt32LE(pe) !== 0x00004550) return null;
    const machine = bytes.readUInt16LE(pe + 4);
    return { 34404: 'x64', 43620: 'arm64', 332: 'ia32' }[machine] ?? `pe-machine-${machine}`;
  }
  return null;
}

// electron-builder's Arch enum (builder-util), as beforePack receives it.
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

/** What to rebuild for, from electron-builder's beforePack context. */
export function rebuildTarget(context) {
  const info = context.packager.info;
  const appDir = info.appDir ?? info.projectDir;
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : context.arch;
  // The framework's version is what electron-builder packages; the installed (exactly
  // pinned) electron package is the fallback.
  const electronVersion =
    info.framework?.version ??
    JSON.parse(readFileSync(join(appDir, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  return { appDir, platform: context.electronPlatformName, arch, electronVersion };
}

export default async function beforePack(context) {
  const { appDir, platform, arch, electronVersion } = rebuildTarget(context);
  // Loaded here, not at the top: the tests import this file without needing it.
  const { rebuild } = await import('@electron/rebuild');
  console.log(`  • rebuilding better-sqlite3 for Electron ${electronVersion} ${platform}-${arch}`);
  await rebuild({
    buildPath: appDir,
    electronVersion,
    platform,
    arch,
    onlyModules: ['better-sqlite3'],
    // Always: the file in node_modules may be the Node build or another arch's.
    force: true,
    mode: 'sequential',
    // better-sqlite3's published Electron binary first; a compile only when there is none.
    buildFromSource: false,
  });
  const file = join(appDir, NATIVE_FILE);
  if (!existsSync(file)) throw new Error(`better-sqlite3 was not rebuilt: ${file} is missing`);
  const built = nativeArchOf(readFileSync(file));
  if (built !== arch) {
    throw new Error(
      `better-sqlite3 was built for ${built ?? 'an unknown CPU'}, not ${arch}: no Electron prebuild was ` +
        `found for ${platform}-${arch} and native modules cannot be cross-compiled. Build this ` +
        'package on a machine of that architecture (PACKAGING.md).',
    );
  }
}
