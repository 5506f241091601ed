// A terminal on its own in a process, as it runs in a hall: the engine (Terminal,
// counter mode, a clerk signed in) with its store in DIR, and the forwarder on its own
// connection sending to the reference simulator at URL. RATINGS ratings are given on a
// fake clock (a few seconds apart, so the thanks and idle timers and the engine's
// checkpoints run as between citizens); the forwarder's cycles run for real. Prints one
// JSON line before the first rating and per SAMPLE ratings ({ n, rss, heapUsed }),
// then { done, pending }.
//
// node --import tsx test/bench/engine-soak-child.ts DIR URL RATINGS SAMPLE

import { join } from 'node:path';
import { Terminal } from '../../src/engine/terminal.js';
import { adapterOf } from '../../src/profiles/registry.js';
import { RatingStore } from '../../src/store/store.js';
import { Forwarder } from '../../src/sync/forwarder.js';
import { clerk, coreConfig, request } from '../helpers/core-fixture.js';
import { FakeClock } from '../helpers/fake-clock.js';

const [dir, url, ratingsArg, sampleArg] = process.argv.slice(2);
if (!dir || !url || !ratingsArg || !sampleArg) {
  process.stderr.write('usage: engine-soak-child.ts DIR URL RATINGS SAMPLE\n');
  process.exit(2);
}
const ratings = Number(ratingsArg);
const sample = Number(sampleArg);
const files = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
const clock = new FakeClock(Date.UTC(2026, 10, 30, 1, 0, 0));

const terminal = new Terminal({
  config: coreConfig({ mode: 'counter', channel: 4 }),
  openStore: () => RatingStore.open(files),
  clock,
});
terminal.start();
terminal.signIn(clerk);
const fwdStore = RatingStore.attach(files);
const fwd = new Forwarder({
  outbox: fwdStore.outbox(),
  adapter: adapterOf({
    url,
    profile: 'reference',
    appMark: 'HA-APP',
    secret: 'sim-secret-密钥',
    channel: 4,
    timeoutSeconds: 10,
  }),
  timeoutMs: 10_000,
  clock,
});
terminal.subscribe({ forward: () => fwd.wake() });
fwd.start();

const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const memory = (n: number) => {
  const m = process.memoryUsage();
  print({ n, rss: m.rss, heapUsed: m.heapUsed });
};
// Before the first rating: node, tsx and the modules loaded, the store open.
memory(0);
for (let i = 0; i < ratings; i++) {
  const opened = terminal.openPrompt(request({ transactionId: `S-${i}` }));
  if (!opened.ok) throw new Error(`soak: prompt ${i} refused: ${opened.message}`);
  if (i % 10 === 9) {
    terminal.intent({ type: 'rate', level: 2 });
    terminal.intent({ type: 'toggle_reason', code: '207' });
    terminal.intent({ type: 'submit_reasons' });
  } else {
    terminal.intent({ type: 'rate', level: (3 + (i % 3)) as 3 | 4 | 5 });
  }
  // A citizen every 5 s: the thanks screen ends, the engine checkpoints when due.
  clock.advance(5_000);
  // The forwarder sends what has piled up every ten ratings, as on a busy counter.
  if (i % 10 === 9) await fwd.settled();
  if ((i + 1) % sample === 0) memory(i + 1);
}
for (let k = 0; k < 100 && fwdStore.outbox().counts().pending > 0; k++) {
  clock.advance(1_000);
  await fwd.settled();
}
const pending = fwdStore.outbox().counts().pending;
await fwd.stop();
fwdStore.close();
terminal.stop();
print({ done: ratings, pending });
