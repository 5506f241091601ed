// compat.gwq in the real `serve` process: a taken port stops the start naming the key and
// the program holding it; n in GWQ-{terminal}-{n} survives restarts; a GWQ rating cut off
// by a crash stays local after recovery; SIGHUP applies origins and says a port change
// waits; a page that went away leaves its prompt on screen; on a kiosk the teller is ignored.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Run, runCli, waitFor } from '../../helpers/cli.js';
import { freePorts, startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';
import { openPeer, type Peer } from '../serve/bridge-peers.js';

const ORIGIN = 'http://10.1.2.3:8080';
const teller = JSON.stringify({ type: 10, TellerName: '林晓', TellerNo: '0427' });

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A terminal's folder and configuration; its ports are the ones it was last started on. */
interface Setup {
  dir: string;
  file: string;
  mode: 'counter' | 'kiosk';
  apiPort: number;
  uiPort: number;
  gwqPort: number;
}

/** The ports are set when serve starts (or by the test that needs them set). */
function setup(mode: 'counter' | 'kiosk' = 'counter'): Setup {
  const dir = tempDir();
  return { dir, file: join(dir, 'config.json'), mode, apiPort: 0, uiPort: 0, gwqPort: 0 };
}

function writeConfig(s: Setup, gwq: Record<string, unknown> = {}): void {
  const mode = s.mode;
  writeFileSync(
    s.file,
    JSON.stringify({
      terminal: { id: 'HA-0007', mode, areaCode: '350521' },
      keypad: { driver: 'none' },
      store: { path: './terminal.db' },
      api: { port: s.apiPort },
      ui: { port: s.uiPort },
      prompt: { reasonsTimeoutSeconds: 30 },
      compat: { gwq: { answerLevel: true, port: s.gwqPort, origins: [ORIGIN], ...gwq } },
    }),
  );
}

/** Starts serve on ports the system hands out (again on others should one be taken meanwhile). */
async function serve(s: Setup): Promise<Run> {
  const { run } = await startOnFreePorts(
    3,
    ([api, ui, gwq]) => {
      Object.assign(s, { apiPort: api, uiPort: ui, gwqPort: gwq });
      writeConfig(s);
      return runCli(['serve', '--config', s.file]);
    },
    (r) => r.stdout().includes('GWQ evaluator protocol:'),
    'serve to start',
    30_000,
  );
  cleanup.push(async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  });
  return run;
}

async function peer(url: string, origin: string): Promise<Peer> {
  const p = await openPeer(url, origin);
  if (typeof p === 'number') throw new Error(`refused with ${p}`);
  cleanup.push(() => p.ws.terminate());
  return p;
}

const gwqPeer = (s: Setup) => peer(`ws://127.0.0.1:${s.gwqPort}`, ORIGIN);
const screens = (s: Setup) => peer(`ws://127.0.0.1:${s.uiPort}/bridge`, `http://127.0.0.1:${s.uiPort}`);

async function screenKind(s: Setup): Promise<string> {
  const p = await screens(s);
  await expect.poll(() => p.received.some((m) => m.type === 'view')).toBe(true);
  const kind = p.received.find((m) => m.type === 'view').view.screen.kind;
  p.ws.close();
  return kind;
}

/** A citizen's touch, through the screens' own bridge. */
async function touch(s: Setup, intent: object): Promise<void> {
  const p = await screens(s);
  await expect.poll(() => p.received.some((m) => m.type === 'view')).toBe(true);
  p.ws.send(JSON.stringify({ type: 'intent', intent }));
  await new Promise((r) => setTimeout(r, 200));
  p.ws.close();
}

async function answers(p: Peer, n: number): Promise<unknown[]> {
  await expect.poll(() => p.received.length, { timeout: 15_000 }).toBe(n);
  return p.received;
}

function records(s: Setup): { state: string; transactionId: string; department: unknown }[] {
  const db = new Database(join(s.dir, 'terminal.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT state, body FROM records ORDER BY seq').all() as { state: string; body: string }[]
    ).map((r) => {
      const b = JSON.parse(r.body);
      return { state: r.state, transactionId: b.transactionId, department: b.department };
    });
  } finally {
    db.close();
  }
}

const log = (s: Setup) => readFileSync(join(s.dir, 'logs', 'terminal.log'), 'utf8');

async function stop(run: Run, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  run.child.kill(signal);
  await run.exit;
}

describe('compat.gwq in serve', () => {
  it('refuses to start on a taken port, naming compat.gwq.port and the program holding it', {
    timeout: 60_000,
  }, async () => {
    const s = setup();
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => holder.close(() => r())));
    [s.apiPort, s.uiPort] = (await freePorts(2)) as [number, number];
    s.gwqPort = (holder.address() as { port: number }).port;
    writeConfig(s);
    const run = runCli(['serve', '--config', s.file]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(
      `Port ${s.gwqPort} on 127.0.0.1 (compat.gwq.port) is already in use (held by node, pid ${process.pid})`,
    );
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('counts n in the store across restarts, and keeps a rating cut off by a crash local', {
    timeout: 120_000,
  }, async () => {
    const s = setup();
    let run = await serve(s);
    let p = await gwqPeer(s);
    p.ws.send(teller);
    await expect.poll(() => screenKind(s)).toBe('rate');
    await touch(s, { type: 'rate', level: 5 });
    expect((await answers(p, 1))[0]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 1 });
    await stop(run);

    run = await serve(s);
    p = await gwqPeer(s);
    p.ws.send(teller);
    await expect.poll(() => screenKind(s)).toBe('rate');
    // A 差评 on its reasons screen when the power goes.
    await touch(s, { type: 'rate', level: 1 });
    await expect.poll(() => screenKind(s)).toBe('reasons');
    // Its draft is queued for no platform: nothing tells this 差评 from a 好评.
    expect((await (await fetch(`http://127.0.0.1:${s.apiPort}/v1/health`)).json()).queue).toEqual({
      pending: 0,
      rejected: 0,
    });
    await stop(run, 'SIGKILL');
    expect(records(s).map((r) => r.state)).toEqual(['local', 'draft']);

    run = await serve(s);
    // Final at start, and kept here: never pending, whatever the platform.
    await expect.poll(() => records(s).map((r) => r.state)).toEqual(['local', 'local']);
    expect((await (await fetch(`http://127.0.0.1:${s.apiPort}/v1/health`)).json()).queue).toEqual({
      pending: 0,
      rejected: 0,
    });
    p = await gwqPeer(s);
    p.ws.send(teller);
    await expect.poll(() => screenKind(s)).toBe('rate');
    await touch(s, { type: 'decline' });
    expect((await answers(p, 1))[0]).toEqual({ type: 10, ret: -9 });
    // The third call took n = 3 though it left no record.
    const db = new Database(join(s.dir, 'terminal.db'), { readonly: true });
    const ids = db
      .prepare(`SELECT transaction_id FROM prompts WHERE source = 'gwq' ORDER BY opened_at`)
      .pluck()
      .all();
    db.close();
    expect(ids).toEqual(['GWQ-HA-0007-1', 'GWQ-HA-0007-2', 'GWQ-HA-0007-3']);
    await stop(run);
  });

  it('applies origins on SIGHUP and says a port change waits for a restart', {
    timeout: 60_000,
  }, async () => {
    const s = setup();
    const run = await serve(s);
    await gwqPeer(s);
    writeConfig({ ...s, gwqPort: s.gwqPort + 1 }, { origins: ['http://10.1.2.4:8080'] });
    run.child.kill('SIGHUP');
    await waitFor(() => run.stdout().includes('Configuration reloaded.'), 'the reload');
    expect(run.stderr()).toContain(
      'compat.gwq.host/compat.gwq.port changed; it takes effect only after a restart',
    );
    expect(await openPeer(`ws://127.0.0.1:${s.gwqPort}`, ORIGIN)).toBe(403);
    await peer(`ws://127.0.0.1:${s.gwqPort}`, 'http://10.1.2.4:8080');
  });

  it('leaves the prompt on screen when the page goes away, and logs the lost answer', {
    timeout: 60_000,
  }, async () => {
    const s = setup();
    await serve(s);
    const p = await gwqPeer(s);
    p.ws.send(teller);
    await expect.poll(() => screenKind(s)).toBe('rate');
    p.ws.close();
    await p.closed;
    await new Promise((r) => setTimeout(r, 300));
    expect(await screenKind(s)).toBe('rate');
    await touch(s, { type: 'rate', level: 4 });
    await expect.poll(() => log(s)).toContain('"event":"gwq_answer_lost"');
    expect(records(s).map((r) => r.state)).toEqual(['local']);
  });

  it('ignores the teller on a kiosk: no clerk, no department', { timeout: 60_000 }, async () => {
    const s = setup('kiosk');
    await serve(s);
    const p = await gwqPeer(s);
    p.ws.send(teller);
    await expect.poll(() => screenKind(s)).toBe('rate');
    await touch(s, { type: 'rate', level: 3 });
    expect((await answers(p, 1))[0]).toEqual({ type: 10, ret: 0, EvaluatorLevel: 3 });
    expect(records(s)).toEqual([
      { state: 'local', transactionId: 'GWQ-HA-0007-1', department: { code: '', name: '' } },
    ]);
  });
});
