// A business system gone wrong, in a process of its own: from one loopback address of its
// own, it asks the local API as fast as 32 connections let it, for a bounded time and a
// bounded count, and reports what it was answered. Usage: node --import tsx flood-child.ts SPEC_JSON
import { Pool } from 'undici';
import { childMain } from '../../bench/child-ipc.js';

export interface FloodSpec {
  /** The API base, http://127.0.0.1:PORT/v1. */
  api: string;
  /** The address it sends from (127.0.0.0/8). */
  localAddress: string;
  durationMs: number;
  /** At most this many requests, whatever the time. */
  maxRequests: number;
}

export interface FloodResult {
  statuses: Record<string, number>;
  errors: string[];
  elapsedMs: number;
}

async function flood(spec: FloodSpec): Promise<FloodResult> {
  const url = new URL(spec.api);
  const base = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, { connections: 32, localAddress: spec.localAddress });
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  const start = performance.now();
  let sent = 0;
  const worker = async () => {
    while (performance.now() - start < spec.durationMs && sent < spec.maxRequests) {
      sent++;
      try {
        const res = await pool.request({ path: `${base}/clerk`, method: 'GET' });
        await res.body.arrayBuffer();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      } catch (err) {
        if (errors.length < 8) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const elapsedMs = performance.now() - start;
  await pool.close().catch(() => {});
  return { statuses, errors, elapsedMs };
}

childMain<FloodSpec, FloodResult>(flood);
