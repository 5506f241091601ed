// The prompt routes: opening a rating prompt, reading it (or the one on screen), its QR
// code as a PNG for a receipt printer, and withdrawing it.

import { cstDateTime, parseCstDateTime } from '../core/cst.js';
import type { PromptRequest } from '../core/events.js';
import type { Citizen, ServiceFacts } from '../core/model.js';
import { MAX_SERVICE_TIME_AHEAD_MS, tooFarAhead } from '../core/service-facts.js';
import { renderPng } from '../qr/render.js';
import { ApiError } from './errors.js';
import { ROUTE_SCHEMAS } from './openapi.js';
import { iso, needStore, promptView, qrView, type RouteContext, refuse } from './route-common.js';
import { CST_PROBLEM } from './validation.js';

export function registerPromptRoutes({ app, ops, settings }: RouteContext): void {
  app.post('/v1/prompts', { schema: ROUTE_SCHEMAS.postPrompt }, async (req, reply) => {
    const body = req.body as Omit<PromptRequest, 'citizen' | 'facts'> & {
      citizen?: Partial<Citizen> & { name: string };
    } & Partial<Omit<ServiceFacts, 'acceptDate' | 'taskHandleItem'>> & {
        acceptDate?: string;
        taskHandleItem?: string;
      };
    const count = body.departments.length;
    const rule =
      body.mode === 'single' && count !== 1
        ? 'must have exactly one department for mode single'
        : body.mode === 'parallel' && count < 2
          ? 'must have two or more departments for mode parallel'
          : null;
    if (rule) {
      throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
        { field: 'departments', problem: rule },
      ]);
    }
    // The schema checks a time's shape; a day no calendar has (2026-02-30) is refused here.
    const unreal = (['acceptDate', 'serviceTime'] as const).filter(
      (field) => body[field] !== undefined && parseCstDateTime(body[field] as string) === null,
    );
    if (unreal.length > 0) {
      throw new ApiError(
        400,
        'invalid_request',
        'Some fields break the rules.',
        unreal.map((field) => ({ field, problem: CST_PROBLEM })),
      );
    }
    // Against the terminal's own clock; a little ahead is the business system's clock
    // drifting (the rating is then flagged clock_skew), more is a wrong value.
    if (body.serviceTime !== undefined && tooFarAhead(body.serviceTime, ops.now())) {
      throw new ApiError(400, 'invalid_request', 'Some fields break the rules.', [
        {
          field: 'serviceTime',
          problem: `must not be more than ${MAX_SERVICE_TIME_AHEAD_MS / 60_000} minutes ahead of the terminal's clock (${cstDateTime(ops.now())}); check the business system's clock`,
        },
      ]);
    }
    const request: PromptRequest = {
      transactionId: body.transactionId,
      service: { code: body.service.code, name: body.service.name },
      departments: body.departments.map((d) => ({ code: d.code, name: d.name })),
      mode: body.mode,
      citizen: body.citizen
        ? {
            name: body.citizen.name,
            idNumber: body.citizen.idNumber ?? '',
            phone: body.citizen.phone ?? '',
            type: body.citizen.type ?? 1,
          }
        : null,
      facts: {
        ...(body.serviceNumber !== undefined ? { serviceNumber: body.serviceNumber } : {}),
        ...(body.proStatus !== undefined ? { proStatus: body.proStatus } : {}),
        ...(body.acceptDate !== undefined ? { acceptDate: body.acceptDate } : {}),
        ...(body.serviceTime !== undefined ? { serviceTime: body.serviceTime } : {}),
        // An empty 办理项 says no more than none.
        ...(body.taskHandleItem ? { taskHandleItem: body.taskHandleItem } : {}),
      },
    };
    const replace = (req.query as { replace?: string }).replace === 'true';
    const opened = ops.openPrompt(request, { replace });
    if (!opened.ok) refuse(opened);
    const id = opened.promptId as string;
    // The prompt is on screen already; only this answer waits for the platform's page
    // (the URL mode), at most platform.urlTimeoutSeconds.
    const qr = await ops.settledQr(id);
    // A retry of the prompt on screen (the first answer was lost): that prompt, as it
    // stands — rated already, perhaps, but not final, or it would not be on screen.
    const current = opened.retried ? ops.getPrompt(id) : null;
    return reply.code(opened.retried ? 200 : 201).send({
      id,
      status: current?.status ?? 'open',
      expiresAt: iso(opened.expiresAt as number),
      qr: qrView(qr),
      final: false,
      source: current?.source ?? 'api',
    });
  });

  // A static route: it wins over /v1/prompts/:id, and no prompt id is ever "current".
  app.get('/v1/prompts/current', { schema: ROUTE_SCHEMAS.getCurrentPrompt }, async () => {
    const id = ops.currentPromptId();
    const p = id === null ? null : ops.getPrompt(id);
    if (!p) throw new ApiError(404, 'not_found', 'No prompt is on screen.');
    return promptView(p, settings.revealRatings, ops.qrOf(p.id));
  });

  app.get('/v1/prompts/:id', { schema: ROUTE_SCHEMAS.getPrompt }, async (req) => {
    const p = ops.getPrompt((req.params as { id: string }).id);
    if (!p) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    return promptView(p, settings.revealRatings, ops.qrOf(p.id));
  });

  // For a receipt printer: the open prompt's QR code as a PNG.
  app.get('/v1/prompts/:id/qr.png', { schema: ROUTE_SCHEMAS.getPromptQr }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!ops.getPrompt(id)) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    const qr = ops.qrOf(id);
    if (!qr)
      throw new ApiError(
        409,
        'no_qr',
        'This prompt has no QR code now (none configured, or it is no longer open).',
      );
    return reply.type('image/png').send(await renderPng(qr.url, { scale: 6 }));
  });

  // Ends what the citizen has not begun; a reasons screen on show runs to its end, and the
  // prompt's final event follows then. 409 not_open only once it is final.
  app.delete('/v1/prompts/:id', { schema: ROUTE_SCHEMAS.deletePrompt }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!ops.getPrompt(id)) throw new ApiError(404, 'not_found', 'No prompt has this id.');
    needStore(ops);
    const r = ops.cancelPrompt(id);
    if (!r.ok) refuse(r);
    return reply.code(204).send();
  });
}
