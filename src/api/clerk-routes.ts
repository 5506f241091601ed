// The clerk routes: who is signed in at this window, signing in and out, and their
// serving/paused status.

import type { Clerk } from '../core/model.js';
import { ApiError } from './errors.js';
import { ROUTE_SCHEMAS } from './openapi.js';
import type { ApiOperations } from './operations.js';
import { checkPhoto } from './photo.js';
import { needStore, type RouteContext, refuse } from './route-common.js';

function clerkView(ops: ApiOperations) {
  const c = ops.clerk;
  return c
    ? { id: c.id, name: c.name, department: c.department, photo: c.photo, stars: c.stars, status: c.status }
    : null;
}

export function registerClerkRoutes({ app, ops }: RouteContext): void {
  app.get('/v1/clerk', { schema: ROUTE_SCHEMAS.getClerk }, async () => {
    const clerk = clerkView(ops);
    if (!clerk) throw new ApiError(404, 'not_found', 'No clerk is signed in.');
    return clerk;
  });

  app.put('/v1/clerk', { schema: ROUTE_SCHEMAS.putClerk }, async (req) => {
    const body = req.body as {
      id: string;
      name: string;
      department: Clerk['department'];
      photo?: string;
      stars?: number;
    };
    let photo: string | null = null;
    if (body.photo !== undefined) {
      const checked = checkPhoto(body.photo);
      if (!checked.ok) {
        throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
          { field: 'photo', problem: checked.problem },
        ]);
      }
      photo = checked.photo;
    }
    needStore(ops);
    const reply = ops.signIn({
      id: body.id,
      name: body.name,
      department: { code: body.department.code, name: body.department.name },
      photo,
      stars: body.stars ?? null,
    });
    if (!reply.ok) refuse(reply);
    return clerkView(ops);
  });

  app.delete('/v1/clerk', { schema: ROUTE_SCHEMAS.deleteClerk }, async (_req, reply) => {
    needStore(ops);
    const r = ops.signOut();
    if (!r.ok) refuse(r);
    return reply.code(204).send();
  });

  app.put('/v1/clerk/status', { schema: ROUTE_SCHEMAS.putClerkStatus }, async (req) => {
    needStore(ops);
    const r = ops.setClerkStatus((req.body as { status: 'serving' | 'paused' }).status);
    if (!r.ok) refuse(r);
    return clerkView(ops);
  });
}
