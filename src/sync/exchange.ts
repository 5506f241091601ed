// One upload to the platform: either the adapter's request through the transport and
// its answer decoded, or, for a profile that makes several requests per upload (a token
// first), the adapter's own exchange. Whatever goes wrong becomes an outcome, never a
// throw, so the forwarder's loop has one thing to look at.

import type { RatingRecord } from '../core/model.js';
import type { PlatformAdapter, ProbeOutcome, Send, UploadOutcome, UploadRequest } from './adapter.js';
import type { Transport } from './http-transport.js';

export interface ExchangeContext {
  transport: Transport;
  /** Deadline of one request: platform.timeoutSeconds. */
  timeoutMs: number;
  now: () => number;
  /** Aborted when the forwarder stops: the request in flight is abandoned. */
  signal: AbortSignal;
}

export async function exchange(
  adapter: PlatformAdapter,
  records: readonly RatingRecord[],
  ctx: ExchangeContext,
): Promise<UploadOutcome> {
  if (adapter.exchange) return exchangeByAdapter(adapter, records, ctx);
  let request: ReturnType<PlatformAdapter['encode']>;
  try {
    request = adapter.encode(records, ctx.now());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'misconfigured', status: 0, message: `cannot build the request: ${message}` };
  }
  try {
    const response = await ctx.transport(request, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return adapter.decode(response, records, ctx.now());
  } catch (err) {
    return transient(err);
  }
}

/**
 * The profile's probe (what tells, with nothing to send, whether the platform is there):
 * its own, else an upload of no records. doctor asks through this with its own `send`.
 */
export function probeOf(adapter: PlatformAdapter): (now: () => number, send: Send) => Promise<ProbeOutcome> {
  return async (now, send) => {
    if (adapter.probe) return adapter.probe(now, send);
    if (adapter.exchange) return adapter.exchange([], now, send);
    return adapter.decode(await send(adapter.encode([], now())), [], now());
  };
}

/** The forwarder's probe through its transport; whatever goes wrong is an outcome. */
export async function probe(adapter: PlatformAdapter, ctx: ExchangeContext): Promise<ProbeOutcome> {
  if (!adapter.probe) return exchange(adapter, [], ctx);
  try {
    const send = (request: UploadRequest) =>
      ctx.transport(request, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return await adapter.probe(ctx.now, send);
  } catch (err) {
    return transient(err);
  }
}

/** A profile that makes several requests per upload (a token first) runs them itself. */
async function exchangeByAdapter(
  adapter: PlatformAdapter,
  records: readonly RatingRecord[],
  ctx: ExchangeContext,
): Promise<UploadOutcome> {
  try {
    const send = (request: UploadRequest) =>
      ctx.transport(request, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return await (adapter.exchange as NonNullable<PlatformAdapter['exchange']>)(records, ctx.now, send);
  } catch (err) {
    return transient(err);
  }
}

/** A failure on the way (network, time-out, an adapter that threw): retried with back-off. */
function transient(err: unknown): UploadOutcome {
  return { kind: 'transient', message: err instanceof Error ? err.message : String(err), retryAfterMs: null };
}
