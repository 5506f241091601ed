// The counts a store holds, worked out here the plain way, independently of
// src/store/stats-queries.ts: every row of the records and prompts tables read raw and
// counted in JavaScript by the contract's rules. A test compares what went on the bus
// (or into a report) with this, so neither is checked against itself.
import Database from 'better-sqlite3';

export interface ContractRow {
  hour: string;
  clerkId: string;
  deptCode: string;
  deptName: string;
  taskCode: string;
  taskName: string;
  levels: Record<string, number>;
  reasons: Record<string, number>;
  declined: number;
  expired: number;
  source: { api: number; gwq: number; invite: number };
}

type Source = 'api' | 'gwq' | 'invite';

const CST = 8 * 3_600_000;
const dayOf = (ms: number) => new Date(ms + CST).toISOString().slice(0, 10);
const hourOf = (ms: number) => new Date(ms + CST).toISOString().slice(11, 13);

/**
 * The rows of `day` (yyyy-MM-dd, UTC+8) for what became final or ended unrated before
 * `until`, in the contract's order. A prompt's source is its `source` column where the
 * store has one; in a store without it, `sourceOf` says where each transaction came from
 * (the test knows, having opened it).
 */
export function storeCounts(
  dbPath: string,
  day: string,
  until: number,
  sourceOf: (transactionId: string) => Source,
): ContractRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const prompts = new Map<string, { source: Source }>();
    const rows = new Map<string, ContractRow & { prompts: Map<Source, Set<string>> }>();
    const row = (hour: string, clerkId: string, dept: any, task: any) => {
      const key = JSON.stringify([hour, clerkId, dept?.code ?? '', task?.code ?? '']);
      let r = rows.get(key);
      if (!r) {
        r = {
          hour,
          clerkId,
          deptCode: dept?.code ?? '',
          deptName: dept?.name ?? '',
          taskCode: task?.code ?? '',
          taskName: task?.name ?? '',
          levels: { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 },
          reasons: {},
          declined: 0,
          expired: 0,
          source: { api: 0, gwq: 0, invite: 0 },
          prompts: new Map(),
        };
        rows.set(key, r);
      }
      return r;
    };
    const countPrompt = (r: { prompts: Map<Source, Set<string>> }, source: Source, id: string) => {
      const set = r.prompts.get(source) ?? new Set<string>();
      set.add(id);
      r.prompts.set(source, set);
    };
    const all = db.prepare('SELECT * FROM prompts').all() as any[];
    const source = (p: any): Source => (typeof p.source === 'string' ? p.source : sourceOf(p.transaction_id));
    for (const p of all) prompts.set(p.id, { source: source(p) });
    for (const r of db.prepare('SELECT * FROM records').all() as any[]) {
      if (r.state === 'draft' || r.training !== 0 || r.final_at === null) continue;
      if (r.final_at >= until || dayOf(r.final_at) !== day) continue;
      let body: any;
      try {
        body = JSON.parse(r.body);
      } catch {
        continue; // a body that is not JSON tells nothing
      }
      const into = row(hourOf(r.final_at), body.clerk?.id ?? '', body.department, body.service);
      into.levels[String(body.level)] = (into.levels[String(body.level)] ?? 0) + 1;
      if (body.level <= 2)
        for (const code of body.reasons) into.reasons[code] = (into.reasons[code] ?? 0) + 1;
      countPrompt(into, (prompts.get(r.prompt_id) as { source: Source }).source, r.prompt_id);
    }
    for (const p of all) {
      if (p.status !== 'declined' && p.status !== 'expired') continue;
      if (p.ended_at >= until || dayOf(p.ended_at) !== day) continue;
      const departments = JSON.parse(p.departments) as { code: string; name: string }[];
      const asked = p.mode === 'parallel' ? departments : departments.slice(0, 1);
      const clerk = p.clerk ? JSON.parse(p.clerk) : null;
      for (const dept of asked.length > 0 ? asked : [null]) {
        const into = row(hourOf(p.ended_at), clerk?.id ?? '', dept, JSON.parse(p.service));
        into[p.status as 'declined' | 'expired'] += 1;
        into.source[source(p)] += 1;
      }
    }
    const out = [...rows.values()].map(({ prompts: seen, ...r }) => {
      for (const [source, ids] of seen) r.source[source] += ids.size;
      return r;
    });
    const k = (r: ContractRow) => [r.hour, r.clerkId, r.deptCode, r.taskCode];
    return out.sort((a, b) => {
      const [x, y] = [k(a), k(b)];
      for (let i = 0; i < x.length; i++)
        if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
      return 0;
    });
  } finally {
    db.close();
  }
}
