// A forwarder alone in a process, on a given database and platform, for the test that
// kills it with SIGKILL mid-request. Prints each status as a JSON line.
// Usage: platform-forwarder-child.ts DB KEYFILE URL APP_MARK SECRET LEASE_MS
import { writeSync } from 'node:fs';
import { RatingStore } from '../../src/store/store.js';
import { createReferenceAdapter } from '../../src/sync/adapters/reference.js';
import { Forwarder } from '../../src/sync/forwarder.js';

const [path, keyFile, url, appMark, secret, leaseMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const store = RatingStore.open({ path, keyFile });
const forwarder = new Forwarder({
  outbox: store.outbox(),
  adapter: createReferenceAdapter({ url, appMark, secret }),
  timeoutMs: 60_000,
  leaseMs: Number(leaseMs),
  onStatus: (s) => writeSync(1, `${JSON.stringify(s)}\n`),
});
// The forwarder's timers do not hold a process open (a terminal's shell does); this does.
const keepAlive = setInterval(() => {}, 1_000);
forwarder.start();
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  void forwarder.stop().then(() => store.close());
});
