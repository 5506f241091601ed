// The figures' thread (see figures-thread.ts): a read-only connection of its own to the
// console's database, and the pages' data and exports made here, so that however long a
// county's range takes, the console's main thread goes on reading the broker.

import { parentPort, workerData } from 'node:worker_threads';
import { readOnlyDatabase } from '../store/open.js';
import { HALL_LATEST_VERSION } from './db/migrations/index.js';
import { answerFigures, type FiguresSource } from './figures-api.js';
import type { FiguresAsk, FiguresData, FiguresTold } from './figures-thread.js';

const data = workerData as FiguresData;
const db = readOnlyDatabase(data.dbPath, HALL_LATEST_VERSION);
const names = new Map(data.reasonNames);
const source: FiguresSource = {
  db,
  reasonName: (code) => names.get(code) ?? code,
  reasonCodes: data.reasonCodes,
  hallId: data.hallId,
};

const port = parentPort;
if (!port) throw new Error('figures-worker.ts runs as a worker thread (figures-thread.ts)');

port.on('message', (ask: FiguresAsk) => {
  answerFigures(source, new URL(ask.url)).then(
    (reply) => {
      if (reply === null) {
        port.postMessage({ id: ask.id, reply: null } satisfies FiguresTold);
        return;
      }
      // A copy of its own, so the transfer cannot take a shared pool from under Buffer.
      const body = new Uint8Array(reply.body.byteLength);
      body.set(reply.body);
      port.postMessage({ id: ask.id, reply: { ...reply, body } } satisfies FiguresTold, [body.buffer]);
    },
    (err: unknown) =>
      port.postMessage({
        id: ask.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies FiguresTold),
  );
});
