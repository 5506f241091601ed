// Builds installable packages: compiles the program, runs electron-builder with the
// arguments given (e.g. `--linux deb --x64`, `--win nsis --x64`), and afterwards puts
// better-sqlite3's Node build back. The beforePack hook replaces it in node_modules with
// the Electron build; without this step `npm test` and `haochaping-terminal serve` in the
// same clone would fail with "compiled against a different Node.js version".
//
//   node scripts/package-build.js --linux            # deb + AppImage, x64 + arm64 (yml)
//   node scripts/package-build.js --linux deb --x64
//   node scripts/package-build.js --win              # on Windows (PACKAGING.md)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_FILE } from './package-rebuild-native.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, NATIVE_FILE);

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status ?? 1;
}

// Only a build plain Node can load is worth keeping: after an earlier bare
// `npx electron-builder` the file is already the Electron one.
const loadable =
  existsSync(native) &&
  spawnSync(process.execPath, ['-e', "require('better-sqlite3')(':memory:').close()"], { cwd: root })
    .status === 0;
if (!loadable) {
  console.error(
    'better-sqlite3 in node_modules cannot be loaded by Node (an earlier package build left the Electron ' +
      'build there?). Run `npm rebuild better-sqlite3` first, so it can be restored after packaging.',
  );
  process.exit(2);
}

const keep = mkdtempSync(join(tmpdir(), 'hcp-native-'));
copyFileSync(native, join(keep, 'better_sqlite3.node'));
let status = 1;
try {
  status = run('npm', ['run', 'build']);
  if (status === 0) {
    const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
    status = run(process.execPath, [cli, ...process.argv.slice(2)]);
  }
} finally {
  copyFileSync(join(keep, 'better_sqlite3.node'), native);
  rmSync(keep, { recursive: true, force: true });
  console.log('better-sqlite3: the Node build is back in node_modules (tests and `serve` work again).');
}
process.exit(status);
