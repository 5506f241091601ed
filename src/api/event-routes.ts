// The event stream (GET /v1/events): prompt, keypad and platform changes as
// server-sent events, each stream closed with the server.

import type { FastifyReply } from 'fastify';
import { EventStream } from './events.js';
import { ROUTE_SCHEMAS } from './openapi.js';
import { promptView, type RouteContext } from './route-common.js';

/** Adds the route; the streams open now are kept in `streams` for the server's close. */
export function registerEventRoutes({ app, ops, settings }: RouteContext, streams: Set<EventStream>): void {
  app.get('/v1/events', { schema: ROUTE_SCHEMAS.events }, (req, reply: FastifyReply) => {
    reply.hijack();
    req.raw.socket.setTimeout(0);
    // A hijacked reply writes its own head: carry over what the CORS plugin set, before
    // the stream writes it.
    for (const name of ['access-control-allow-origin', 'vary']) {
      const value = reply.getHeader(name);
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    let unsubscribe = () => {};
    const stream = new EventStream(reply.raw, () => {
      unsubscribe();
      streams.delete(stream);
    });
    streams.add(stream);
    unsubscribe = ops.subscribe({
      prompt: (id, change) => {
        const p = ops.getPrompt(id);
        if (p) stream.send('prompt', promptView(p, settings.revealRatings, ops.qrOf(id), change));
      },
      keypadState: (state, fault) => stream.send('keypad', { state, fault }),
      platformState: (state, pending) => stream.send('platform', { state, pending }),
    });
  });
}
