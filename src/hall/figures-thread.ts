// The figure pages' data and exports are made on a thread of their own (figures-worker.ts),
// on its own read-only connection to the console's database. The main thread keeps the
// broker session: it reads the bus, keeps what it reads and sends the pages their bytes,
// and is never the one that sums a county's month or writes a workbook. (Measured at a
// county's month, one 统计 query took 1–2 s; on the one thread, the broker's keepalive
// answer waited behind it and the session dropped and started over.)

import { Worker } from 'node:worker_threads';
import type { FiguresReply } from './figures-api.js';

/** What the thread is started with. */
export interface FiguresData {
  dbPath: string;
  hallId: string;
  /** Reason code → its words (the hall's catalogue over the national one). */
  reasonNames: [string, string][];
  /** The catalogue's 差评 codes, for the 差评 page's filter. */
  reasonCodes: string[];
}

/** Main → thread: one request's address. */
export interface FiguresAsk {
  id: number;
  url: string;
}

/** Thread → main: its answer, or why there is none. */
export type FiguresTold = { id: number; reply: FiguresReply | null } | { id: number; error: string };

export interface Figures {
  /** The answer to a figures address (null: not one of ours). */
  answer(url: URL): Promise<FiguresReply | null>;
  close(): Promise<void>;
}

/** Requests waiting beyond this are told to come back: a page reloading in a loop cannot pile up work. */
export const MAX_WAITING = 32;

const TEXT = 'text/plain; charset=utf-8';

function text(status: number, message: string): FiguresReply {
  return { status, type: TEXT, body: Buffer.from(message, 'utf8') };
}

/**
 * The worker beside this module: the built .js, or — when this module runs from source
 * under tsx (the unit tests) — the .ts, through tsx's loader registered in the thread.
 */
function newWorker(data: FiguresData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./figures-worker.js', import.meta.url), { workerData: data });
  const file = new URL('./figures-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

export function startFiguresThread(data: FiguresData): Figures {
  let worker: Worker | null = null;
  let nextId = 0;
  let closed = false;
  /** Each request waiting, with the thread it was sent to. */
  const waiting = new Map<number, { on: Worker; done: (told: FiguresTold) => void }>();

  /** Ends the requests sent to `on` (all of them when null): it is gone. */
  const failAll = (on: Worker | null, why: string) => {
    for (const [id, w] of [...waiting]) {
      if (on !== null && w.on !== on) continue;
      waiting.delete(id);
      w.done({ id, error: why });
    }
  };

  const start = (): Worker => {
    const w = newWorker(data);
    // The server keeps the process alive; the thread alone never does.
    w.unref();
    w.on('message', (told: FiguresTold) => {
      const asked = waiting.get(told.id);
      waiting.delete(told.id);
      asked?.done(told);
    });
    w.on('error', (err) => {
      if (worker === w) worker = null;
      failAll(w, err.message);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      // A thread that ended by itself is started again at the next request.
      failAll(w, `the figures' thread stopped (${code})`);
    });
    return w;
  };
  worker = start();

  return {
    answer(url) {
      if (closed) return Promise.resolve(text(503, '大厅控制台正在停止'));
      if (waiting.size >= MAX_WAITING) return Promise.resolve(text(503, '统计查询繁忙：请稍后再试'));
      worker ??= start();
      const w = worker;
      const id = ++nextId;
      return new Promise<FiguresReply | null>((resolve) => {
        waiting.set(id, {
          on: w,
          done: (told) => {
            if ('error' in told) resolve(text(500, `读取统计数据失败：${told.error}`));
            else if (told.reply === null) resolve(null);
            else {
              const b = told.reply.body;
              resolve({ ...told.reply, body: Buffer.from(b.buffer, b.byteOffset, b.byteLength) });
            }
          },
        });
        w.postMessage({ id, url: url.href } satisfies FiguresAsk);
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      failAll(null, 'the console is stopping');
      if (w) await w.terminate();
    },
  };
}
