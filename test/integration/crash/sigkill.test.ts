// Kills a process that is taking ratings, 50 times, at random moments: every rating it
// reported as committed must be in the store afterwards, once, in a sound database.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';

const CHILD = new URL('../../sim/crash-child.ts', import.meta.url).pathname;

function runAndKill(dir: string, runId: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(runId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n') && !(child as { armed?: boolean }).armed) {
        (child as { armed?: boolean }).armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (${code}): ${err}`));
      const committed = out
        .split('\n')
        .filter((l) => l.startsWith('committed '))
        .map((l) => l.slice('committed '.length));
      resolve(committed);
    });
  });
}

describe('durability under SIGKILL', () => {
  it('keeps every reported rating exactly once across 50 kills', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const reported: string[] = [];
    for (let run = 0; run < 50; run++) {
      reported.push(...(await runAndKill(dir, run, 20 + Math.floor(Math.random() * 250))));
    }
    expect(reported.length).toBeGreaterThan(100);

    const db = new Database(join(dir, 'terminal.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db
        .prepare(
          `SELECT p.transaction_id AS tid, p.status, r.state, r.id
           FROM prompts p JOIN records r ON r.prompt_id = p.id`,
        )
        .all() as { tid: string; status: string; state: string; id: string }[];
      const byTransaction = new Map<string, typeof rows>();
      for (const row of rows) byTransaction.set(row.tid, [...(byTransaction.get(row.tid) ?? []), row]);
      const missing = reported.filter((tid) => !byTransaction.has(tid));
      expect(missing).toEqual([]);
      for (const tid of reported) {
        const recs = byTransaction.get(tid) ?? [];
        expect(recs, tid).toHaveLength(1);
        expect(recs[0]).toMatchObject({ status: 'rated', state: 'pending' });
      }
      // Nothing anywhere is doubled, reported or not.
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      for (const [tid, recs] of byTransaction) expect(recs.length, tid).toBe(1);
    } finally {
      db.close();
    }
  });
});
