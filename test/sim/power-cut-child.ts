// One or more terminals in one process — each the real Terminal owning its store and
// the real forwarding attached to it, sending to the platform simulator — for the
// power-cut test, which cuts the disk's power under it at random moments.
//
// Prints `ready` once every terminal has opened its store, `config FOLDER` once the
// Electron shell's config template is in place, and `rated FOLDER_INDEX TX REAL_NAME`
// only after the rating is committed and the prompt reads back as rated (what
// GET /v1/prompts/{id} answers). In drain mode it takes no ratings, waits until every
// queue is empty, prints `drained`, stops cleanly and exits.
//
// Usage: power-cut-child.ts SPEC_JSON (see Spec)
import { mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Forwarding, startForwarding } from '../../src/engine/forwarding.js';
import { silentLogger } from '../../src/engine/log.js';
import { Terminal } from '../../src/engine/terminal.js';
import { resolveConfigFile } from '../../src/shells/electron/config-file.js';
import { ensureFolder } from '../../src/store/durable.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { citizenOf, type Spec, storePaths } from './power-cut-spec.js';

/** What the old loadOrCreateKey did: a plain write, never fsynced. */
function writeKeyTheOldWay(keyFile: string): void {
  ensureFolder(dirname(keyFile));
  try {
    writeFileSync(keyFile, `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

const say = (line: string) => writeSync(1, `${line}\n`);

const spec = JSON.parse(process.argv[2] as string) as Spec;
const terminals: { terminal: Terminal; forwarding: Forwarding }[] = [];
for (const folder of spec.folders) {
  const files = storePaths(folder);
  if (spec.legacyKey) writeKeyTheOldWay(files.keyFile);
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk', channel: 5 }),
    openStore: () => RatingStore.open(files),
    log: silentLogger,
  });
  terminal.start();
  if (terminal.health().store !== 'ok') throw new Error(`the store in ${folder} did not open`);
  const forwarding = startForwarding(
    {
      platform: {
        url: spec.platformUrl,
        profile: 'reference',
        appMark: spec.appMark,
        secret: spec.secret,
        channel: 5,
        timeoutSeconds: 5,
      },
      store: { ...files, retentionDays: 90 },
    },
    terminal,
    silentLogger,
    // Records leased by a forwarder the cut killed are free again soon after the restart.
    { leaseMs: 3_000 },
  );
  terminals.push({ terminal, forwarding });
}
say('ready');

// The Electron shell's first start: config.yaml from the template.
for (const folder of spec.folders) {
  const userData = join(folder, 'user-data');
  mkdirSync(userData, { recursive: true });
  resolveConfigFile([], userData);
  say(`config ${folder}`);
}

// Keeps the process alive while the forwarders' timers (which do not) run.
const keepAlive = setInterval(() => {}, 1_000);

if (spec.mode === 'drain') {
  const check = setInterval(() => {
    const done = terminals.every(({ forwarding }) => {
      const s = forwarding.status();
      return s.state === 'online' && s.pending === 0;
    });
    if (!done) return;
    clearInterval(check);
    say('drained');
    void Promise.all(terminals.map(({ forwarding }) => forwarding.stop())).then(() => {
      for (const { terminal } of terminals) terminal.stop();
      clearInterval(keepAlive);
    });
  }, 50);
} else {
  let n = 0;
  const rateOne = () => {
    const index = n % terminals.length;
    const { terminal } = terminals[index] as { terminal: Terminal };
    const transactionId = `${spec.runId}-${n}`;
    const realName = n % 2 === 0;
    const bad = n % 3 === 2;
    n++;
    const opened = terminal.openPrompt(
      request({ transactionId, citizen: realName ? citizenOf(transactionId) : null }),
      { replace: true },
    );
    // After the cut every write fails: the terminal says so, and we wait for the kill.
    if (!opened.ok) return;
    if (realName) terminal.intent({ type: 'real_name', on: true });
    if (bad) {
      terminal.intent({ type: 'rate', level: 2 });
      terminal.intent({ type: 'toggle_reason', code: 'D01' });
      terminal.intent({ type: 'submit_reasons' });
    } else {
      terminal.intent({ type: 'rate', level: 5 });
    }
    const prompt = terminal.getPrompt(opened.promptId as string);
    if (prompt?.status === 'rated' && prompt.records.length > 0 && prompt.records.every((r) => r.final)) {
      say(`rated ${index} ${transactionId} ${realName ? 1 : 0}`);
    }
    // A citizen every few milliseconds, with room between them for the forwarders.
    setTimeout(rateOne, 2 + Math.floor(Math.random() * 10));
  };
  rateOne();
}
