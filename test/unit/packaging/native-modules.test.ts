// The native modules the packages carry: serialport's Node-API prebuilds must exist for
// every packaged target (nothing rebuilds them), and the beforePack hook’s CPU check must
// read ELF and PE headers right (it is what stops an x64 binary in an arm64 package).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const prebuilds = join(root, 'node_modules/@serialport/bindings-cpp/prebuilds');

interface Hook {
  default: (context: unknown) => Promise<void>;
  rebuildTarget: (context: unknown) => {
    appDir: string;
    platform: string;
    arch: string;
    electronVersion: string;
  };
  nativeArchOf: (bytes: Buffer) => string | null;
  NATIVE_FILE: string;
}
// A variable specifier: the hook is plain ESM JavaScript, loaded as electron-builder does.
const hookUrl = new URL('../../../scripts/package-rebuild-native.js', import.meta.url).href;
const hook = (await import(hookUrl)) as Hook;

describe('serialport’s prebuilt binaries', () => {
  const targets: [string, string][] = [
    ['linux-x64/@serialport+bindings-cpp.glibc.node', 'x64'],
    ['linux-arm64/@serialport+bindings-cpp.armv8.glibc.node', 'arm64'],
    ['win32-x64/@serialport+bindings-cpp.node', 'x64'],
  ];
  for (const [file, arch] of targets) {
    it(`${file} is there, built for ${arch}`, () => {
      expect(hook.nativeArchOf(readFileSync(join(prebuilds, file)))).toBe(arch);
    });
  }

  it('are Node-API (loadable by any Electron), as the packaging relies on', () => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'node_modules/@serialport/bindings-cpp/package.json'), 'utf8'),
    ) as { scripts: Record<string, string> };
    expect(manifest.scripts.prebuildify).toMatch(/--napi\b/);
  });
});

describe('the beforePack hook', () => {
  it('is a function electron-builder can call, and names better-sqlite3’s binary', () => {
    expect(typeof hook.default).toBe('function');
    expect(hook.NATIVE_FILE).toBe(
      join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    );
  });

  it('takes platform, CPU and Electron version from electron-builder’s beforePack context', () => {
    const context = {
      arch: 3, // builder-util's Arch.arm64
      electronPlatformName: 'linux',
      packager: { info: { appDir: '/src/app', projectDir: '/src', framework: { version: '45.5.0' } } },
    };
    expect(hook.rebuildTarget(context)).toEqual({
      appDir: '/src/app',
      platform: 'linux',
      arch: 'arm64',
      electronVersion: '45.5.0',
    });
    // Without a framework version: the installed electron package's.
    const bare = { arch: 1, electronPlatformName: 'win32', packager: { info: { projectDir: root } } };
    expect(hook.rebuildTarget(bare)).toMatchObject({ arch: 'x64', platform: 'win32', appDir: root });
    expect(hook.rebuildTarget(bare).electronVersion).toMatch(/^45\./);
  });

  it('reads the CPU of this machine’s better-sqlite3 build', () => {
    const arch = hook.nativeArchOf(readFileSync(join(root, hook.NATIVE_FILE)));
    expect(arch).toBe(process.arch);
  });

  it('says null for what is not a native module, and names machines it does not know', () => {
    expect(hook.nativeArchOf(Buffer.from('not a binary at all, just some text'))).toBeNull();
    expect(hook.nativeArchOf(Buffer.alloc(0))).toBeNull();
    const riscv = Buffer.alloc(64);
    riscv.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
    riscv.writeUInt16LE(0xf3, 18);
    expect(hook.nativeArchOf(riscv)).toBe('elf-machine-243');
  });
});
