// The business system leaning on the local API, in a process of its own: requests at a
// fixed rate (open loop: each goes out at its time whether or not earlier ones have
// been answered, so a slow terminal shows as latency, not as a politely lower rate),
// in the mix a window's system sends — health and clerk checks, polling the prompt it
// opened, an unknown id now and then, re-asserting the clerk's status, the receipt
// printer's QR PNG — with event streams open throughout. Each request's time runs from
// when it was due, not when a connection was free. Usage: node --import tsx load-child.ts SPEC_JSON

import { Pool } from 'undici';
import { childMain } from './child-ipc.js';
import { percentile } from './format.js';

export interface LoadSpec {
  /** The API base, http://127.0.0.1:PORT/v1. */
  api: string;
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Event streams held open meanwhile (GET /v1/events). */
  streams: number;
}

export interface LoadResult {
  sent: number;
  answered: number;
  /** Answers outside what the contract gives for that request, 5xx included, and failures. */
  unexpected: number;
  /** A few of them, as `KIND STATUS` or `KIND error: message`. */
  samples: string[];
  statuses: Record<string, number>;
  /** From first due to last answer. */
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** prompt events the streams received (each stream counted). */
  promptEvents: number;
}

type Kind = 'health' | 'clerk' | 'prompt' | 'unknown' | 'status' | 'qr';

/** Per 20 requests: what a window's system does most is ask. */
const MIX: Kind[] = [
  'health',
  'prompt',
  'clerk',
  'prompt',
  'health',
  'prompt',
  'status',
  'prompt',
  'health',
  'prompt',
  'clerk',
  'prompt',
  'health',
  'prompt',
  'unknown',
  'prompt',
  'health',
  'qr',
  'clerk',
  'status',
];

const CLERK_STATUS = JSON.stringify({ status: 'serving' });
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

async function load(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.api);
  const base = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, { connections: 32, pipelining: 1 });
  let latestPrompt: string | null = null;
  let promptEvents = 0;

  const streams: AbortController[] = [];
  for (let i = 0; i < spec.streams; i++) {
    const abort = new AbortController();
    streams.push(abort);
    const { statusCode, body } = await pool.request({
      path: `${base}/events`,
      method: 'GET',
      signal: abort.signal,
    });
    if (statusCode !== 200) throw new Error(`GET /v1/events answered ${statusCode}`);
    let text = '';
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      text += chunk;
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const event = text.slice(0, end);
        text = text.slice(end + 2);
        if (event.startsWith('event: prompt')) {
          promptEvents++;
          const id = /"id":"([^"]+)"/.exec(event)?.[1];
          if (id) latestPrompt = id;
        }
        end = text.indexOf('\n\n');
      }
    });
    body.on('error', () => {});
  }

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  let sent = 0;
  let answered = 0;
  let unexpected = 0;
  let lastAnswer = 0;
  const odd = (line: string) => {
    unexpected++;
    if (samples.length < 8) samples.push(line);
  };

  const fire = async (kind: Kind, dueAt: number) => {
    const id = latestPrompt;
    const [method, path, body, ok]: [string, string, string | undefined, number[]] =
      kind === 'health'
        ? ['GET', '/health', undefined, [200]]
        : kind === 'clerk'
          ? ['GET', '/clerk', undefined, [200]]
          : kind === 'prompt'
            ? ['GET', `/prompts/${id ?? UNKNOWN_ID}`, undefined, id ? [200] : [404]]
            : kind === 'unknown'
              ? ['GET', `/prompts/${UNKNOWN_ID}`, undefined, [404]]
              : kind === 'status'
                ? ['PUT', '/clerk/status', CLERK_STATUS, [200]]
                : // No QR once the prompt is rated: 409 no_qr is the contract's answer then.
                  ['GET', `/prompts/${id ?? UNKNOWN_ID}/qr.png`, undefined, id ? [200, 409] : [404]];
    sent++;
    try {
      const res = await pool.request({
        path: base + path,
        method,
        ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      await res.body.arrayBuffer();
      const at = performance.now();
      lastAnswer = at;
      answered++;
      latencies.push(at - dueAt);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (!ok.includes(res.statusCode)) odd(`${kind} ${res.statusCode}`);
    } catch (err) {
      odd(`${kind} error: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const start = performance.now();
  const total = Math.round((spec.rate * spec.durationMs) / 1000);
  const interval = 1000 / spec.rate;
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        inFlight.push(fire(MIX[next % MIX.length] as Kind, start + next * interval));
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  for (const s of streams) s.abort();
  await pool.close().catch(() => {});
  return {
    sent,
    answered,
    unexpected,
    samples,
    statuses,
    elapsedMs: (lastAnswer || performance.now()) - start,
    p50Ms: latencies.length ? percentile(latencies, 50) : Number.NaN,
    p99Ms: latencies.length ? percentile(latencies, 99) : Number.NaN,
    promptEvents,
  };
}

childMain<LoadSpec, LoadResult>(load);
