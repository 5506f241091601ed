// A forwarder killed with SIGKILL while its request is at the platform: the records
// stay leased, a new forwarder claims them once the lease runs out, and the platform
// sees the repeat as a duplicate, never as a second acceptance.
import { type ChildProcess, spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { citizen } from '../../helpers/records.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, openStore, SECRET, seed, storeFiles } from './helpers.js';

const CHILD = new URL('../../sim/platform-forwarder-child.ts', import.meta.url).pathname;
const LEASE_MS = 3_000;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function forwarderChild(files: { path: string; keyFile: string }, url: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, files.path, files.keyFile, url, APP_MARK, SECRET, String(LEASE_MS)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const statuses: { state: string; pending: number }[] = [];
  let err = '';
  let buffered = '';
  child.stdout?.on('data', (d) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) statuses.push(JSON.parse(l));
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<string | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  return { child, statuses, stderr: () => err, exited };
}

describe('a forwarder killed mid-request', () => {
  it('after a restart the record is delivered; the platform sees a duplicate, never a second accepted', {
    timeout: 60_000,
  }, async () => {
    const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET, maxSkewMs: 300_000 });
    try {
      const files = storeFiles();
      const store = openStore(files);
      const records = seed(store, 3, { overrides: (i) => ({ citizen: i === 0 ? citizen : null }) });
      store.close();
      const ids = records.map((r) => r.id);

      // The platform takes the records in, then sits on its answer.
      sim.faults.delayMs = 60_000;
      const arrived = sim.nextRequest();
      const first = forwarderChild(files, sim.url);
      await arrived;
      expect(sim.requests.at(-1)?.recordIds).toEqual(ids);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      for (const id of ids) expect(sim.verdictsOf(id)).toEqual(['accepted']);

      sim.faults.delayMs = 0;
      const second = forwarderChild(files, sim.url);
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !second.statuses.some((s) => s.state === 'online' && s.pending === 0)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(second.statuses.at(-1), second.stderr()).toMatchObject({ state: 'online', pending: 0 });
      second.child.kill('SIGTERM');
      await second.exited;

      for (const id of ids) expect(sim.verdictsOf(id)).toEqual(['accepted', 'duplicate']);
      expect(sim.acceptedTwice()).toEqual([]);
      const db = new Database(files.path, { readonly: true });
      try {
        const rows = db.prepare('SELECT id, state, personal_sealed FROM records ORDER BY seq').all() as {
          id: string;
          state: string;
          personal_sealed: Buffer | null;
        }[];
        expect(rows.map((r) => [r.id, r.state, r.personal_sealed])).toEqual(
          ids.map((id) => [id, 'delivered', null]),
        );
      } finally {
        db.close();
      }
    } finally {
      await sim.close();
    }
  });
});
