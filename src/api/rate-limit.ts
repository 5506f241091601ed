// api.rateLimit: the citizen comes first, so no business system may keep the terminal
// busy. Each client address may send api.rateLimit requests a second (a fixed window of
// one second per address: what is over it in that second is refused, what comes in the
// next is let in again); GET /v1/health, which status lights poll, has a bucket of its
// own with the same limit, so a busy health poller never locks its own business system
// out. Opening the event stream is a request like any other; its events are not.
// The first check of all (before the token): a flood is refused at the least cost.

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

export type RateCheck = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Registers the limiter; `perSecond` is read at each request (SIGHUP may change it). */
export async function registerRateLimit(app: FastifyInstance, perSecond: () => number): Promise<RateCheck> {
  await app.register(rateLimit, {
    // Checked by our own hook, for every request (unknown paths and 405s included), in the contract's order.
    global: false,
    max: () => perSecond(),
    timeWindow: 1000,
    // Only what the contract gives: Retry-After on a 429, no other headers.
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: () =>
      new ApiError(429, 'rate_limited', 'Too many requests from this address; try again in a moment.'),
  });
  // Each limiter made here has a store of its own: two buckets per address.
  const general = app.rateLimit();
  const health = app.rateLimit({});
  return async (req, reply) => {
    const path = req.url.split('?')[0];
    await (path === '/v1/health' ? health : general).call(app, req, reply);
  };
}
