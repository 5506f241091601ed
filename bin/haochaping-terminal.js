#!/usr/bin/env node
// The installed command runs the compiled CLI; `npm install` builds it (the "prepare" script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
// The GWQ relay runs on a clerk's PC with nothing but Node: it loads none of the
// terminal's native modules (no SQLite, no serial port), so it gets an entry of its own.
const relay = args[0] === 'gwq-relay';
const cli = new URL(relay ? '../dist/src/commands/gwq-relay.js' : '../dist/src/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error(
    'haochaping-terminal: the program is not built yet. Run `npm install` (or `npm run build`) in its folder first.',
  );
  process.exit(2);
}
const loaded = await import(cli.href);
const stdio = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
process.exitCode = relay ? await loaded.runGwqRelay(args.slice(1), stdio) : await loaded.main(args);
