// npm start: runs the Electron app when its binary is installed; otherwise says how to
// get it, and how to run the same terminal without Electron.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;

if (!binary || !existsSync(binary)) {
  console.error(`The Electron binary is not installed on this machine, so the app cannot start.
- On a machine with internet access: node node_modules/electron/install.js, then npm start again.
- Or run the same terminal without Electron, in any Chromium:
    npx haochaping-terminal serve [--config FILE]
    chromium --kiosk --app=http://127.0.0.1:7481/`);
  process.exit(1);
}
if (!existsSync(join(root, 'dist', 'src', 'shells', 'electron', 'main.js'))) {
  console.error('The app is not built yet: run npm run build (npm install does it), then npm start.');
  process.exit(1);
}
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
