// `final`, the prompt on screen and what the clerk's side may do to it, through the real
// API and its event stream: a 并联审批 rated per department gives one final event (its
// last), GET /v1/prompts/current, 409 prompt_open naming the prompt, a retried POST
// answered with it, and a DELETE that never cuts a citizen's reasons short.
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiRig, answered, apiRig, clerkJson, promptJson } from '../../helpers/api-rig.js';
import { waitFor } from '../../helpers/cli.js';
import { listenSse, type SseListener } from '../../helpers/sse.js';

const rigs: ApiRig[] = [];
const streams: SseListener[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  for (const r of rigs.splice(0)) await r.close();
});

const THREE = [
  { code: 'D-MKT', name: '县市场监管局' },
  { code: 'D-TAX', name: '县税务局' },
  { code: 'D-RES', name: '县自然资源局' },
];
const PARALLEL = promptJson({ transactionId: 'TX-BL-1', mode: 'parallel', departments: THREE });

/** A counter terminal with a clerk signed in and the event stream open. */
async function serving(settings: { revealRatings?: boolean } = {}) {
  const r = await apiRig({ settings });
  rigs.push(r);
  expect((await answered(r.client.PUT('/v1/clerk', { body: clerkJson }))).status).toBe(200);
  const stream = listenSse(`${r.url}/v1/events`);
  streams.push(stream);
  await waitFor(() => stream.comments.length > 0, 'the event stream to open');
  const prompts = () => stream.events.filter((e) => e.event === 'prompt').map((e) => e.data);
  return { r, prompts };
}

const touch = (r: ApiRig, intent: Parameters<ApiRig['terminal']['intent']>[0]) => r.terminal.intent(intent);

describe('a 并联审批 prompt rated per department', () => {
  it('is rated after its first department, final after its last, with one final event, the last', async () => {
    const { r, prompts } = await serving();
    const opened = await answered(r.client.POST('/v1/prompts', { body: PARALLEL }));
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', final: false, source: 'api' });
    const id = opened.body.id as string;

    touch(r, { type: 'choose_scope', scope: 'department' });
    touch(r, { type: 'rate', level: 4 });
    // What the business system sees between departments.
    const between = await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }));
    expect(between.body).toMatchObject({ id, status: 'rated', final: false, source: 'api', ratings: [] });
    expect((await answered(r.client.GET('/v1/prompts/current'))).body).toEqual(between.body);
    const other = await answered(
      r.client.POST('/v1/prompts', { body: promptJson({ transactionId: 'TX-2' }) }),
    );
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      code: 'prompt_open',
      details: [{ field: 'promptId', problem: id }],
    });
    // The business system lost its first answer and sends the same POST again.
    const retried = await answered(r.client.POST('/v1/prompts', { body: PARALLEL }));
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({
      id,
      status: 'rated',
      expiresAt: expect.any(String),
      qr: null,
      final: false,
      source: 'api',
    });
    touch(r, { type: 'rate', level: 2 });
    touch(r, { type: 'toggle_reason', code: '209' });
    touch(r, { type: 'submit_reasons' });
    expect(
      (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body,
    ).toMatchObject({ status: 'rated', final: false });
    touch(r, { type: 'rate', level: 5 });

    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    expect(prompts().map((p) => [p.id, p.status, p.final, p.source])).toEqual([
      [id, 'open', false, 'api'],
      [id, 'rated', false, 'api'],
      [id, 'rated', true, 'api'],
    ]);
    expect(
      (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body,
    ).toMatchObject({ status: 'rated', final: true });
    const none = await answered(r.client.GET('/v1/prompts/current'));
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'not_found' });
    const late = await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: id } } }));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('not_open');
    // Rated now: the same POST is a rated transaction, not a retry.
    expect((await answered(r.client.POST('/v1/prompts', { body: PARALLEL }))).body.error.code).toBe(
      'already_rated',
    );
  });

  it('DELETE after the first department: the rest left unrated, final at once', async () => {
    const { r, prompts } = await serving({ revealRatings: true });
    const id = (await answered(r.client.POST('/v1/prompts', { body: PARALLEL }))).body.id as string;
    touch(r, { type: 'choose_scope', scope: 'department' });
    touch(r, { type: 'rate', level: 4 });
    expect(
      (await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: id } } }))).status,
    ).toBe(204);
    const ended = (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body;
    expect(ended).toMatchObject({ status: 'rated', final: true });
    expect(ended.ratings.map((x: { department: { code: string } }) => x.department.code)).toEqual(['D-MKT']);
    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    expect(prompts().map((p) => [p.status, p.final])).toEqual([
      ['open', false],
      ['rated', false],
      ['rated', true],
    ]);
    expect((await answered(r.client.GET('/v1/prompts/current'))).status).toBe(404);
  });

  it('DELETE on a department’s 差评 reasons: 204, the reasons run to their end, then final', async () => {
    const { r, prompts } = await serving({ revealRatings: true });
    const id = (await answered(r.client.POST('/v1/prompts', { body: PARALLEL }))).body.id as string;
    touch(r, { type: 'choose_scope', scope: 'department' });
    touch(r, { type: 'rate', level: 4 });
    touch(r, { type: 'rate', level: 1 });
    expect(
      (await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: id } } }))).status,
    ).toBe(204);
    // Not final yet: the citizen is on the reasons screen, which the clerk cannot cut short.
    expect(r.terminal.view().screen.kind).toBe('reasons');
    expect((await answered(r.client.GET('/v1/prompts/current'))).body).toMatchObject({ id, final: false });
    expect(
      (await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: id } } }))).status,
    ).toBe(204);
    const replaced = await answered(
      r.client.POST('/v1/prompts', {
        params: { query: { replace: 'true' } },
        body: promptJson({ transactionId: 'TX-3' }),
      }),
    );
    expect(replaced.status).toBe(409);
    expect(replaced.body.error.details).toEqual([{ field: 'promptId', problem: id }]);
    expect(prompts().filter((p) => p.final)).toEqual([]);

    touch(r, { type: 'toggle_reason', code: '109' });
    touch(r, { type: 'submit_reasons' });
    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    const ended = (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body;
    expect(ended).toMatchObject({ status: 'rated', final: true });
    expect(ended.ratings.map((x: { level: number; reasons: string[] }) => [x.level, x.reasons])).toEqual([
      [4, []],
      [1, ['109']],
    ]);
    // The third department was never asked for.
    expect(prompts().map((p) => [p.status, p.final])).toEqual([
      ['open', false],
      ['rated', false],
      ['rated', true],
    ]);
    expect(
      (await answered(r.client.DELETE('/v1/prompts/{id}', { params: { path: { id: id } } }))).status,
    ).toBe(409);
  });
});

describe('open means not final', () => {
  it('sign-out while a 差评’s reasons are chosen: the clerk is out, the prompt final when they are done', async () => {
    const { r, prompts } = await serving();
    const id = (await answered(r.client.POST('/v1/prompts', { body: promptJson() }))).body.id as string;
    touch(r, { type: 'rate', level: 2 });
    expect((await answered(r.client.DELETE('/v1/clerk'))).status).toBe(204);
    expect((await answered(r.client.GET('/v1/clerk'))).status).toBe(404);
    expect((await answered(r.client.GET('/v1/prompts/current'))).body).toMatchObject({
      id,
      status: 'rated',
      final: false,
    });
    touch(r, { type: 'submit_reasons' });
    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    expect(prompts().map((p) => [p.status, p.final])).toEqual([
      ['open', false],
      ['rated', false],
      ['rated', true],
    ]);
  });

  it('a pause asked for while a rated prompt is not final waits for the final event', async () => {
    const { r, prompts } = await serving();
    await answered(r.client.POST('/v1/prompts', { body: PARALLEL }));
    touch(r, { type: 'choose_scope', scope: 'overall' });
    touch(r, { type: 'rate', level: 1 });
    const paused = await answered(r.client.PUT('/v1/clerk/status', { body: { status: 'paused' } }));
    expect(paused.body).toMatchObject({ status: 'serving' });
    touch(r, { type: 'submit_reasons' });
    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    expect((await answered(r.client.GET('/v1/clerk'))).body).toMatchObject({ status: 'paused' });
  });

  it('the INVITE key’s prompt says so: source invite', async () => {
    const { r, prompts } = await serving();
    r.terminal.inviteKey();
    await waitFor(() => prompts().length > 0, 'the prompt event');
    const current = await answered(r.client.GET('/v1/prompts/current'));
    expect(current.body).toMatchObject({ status: 'open', final: false, source: 'invite' });
    expect(prompts()[0]).toMatchObject({ id: current.body.id, source: 'invite' });
  });
});

describe('what the engine offers another listener (the GWQ protocol)', () => {
  it('opens a gwq prompt without a QR code and tells promptFinal once, after its last change', async () => {
    const { r, prompts } = await serving();
    const told: string[] = [];
    r.terminal.subscribe({
      prompt: (id, change) => told.push(`prompt ${id} ${change.status} ${change.final} ${change.source}`),
      promptFinal: (f) => told.push(`final ${f.promptId} ${f.status} ${f.source}`),
    });
    const opened = r.terminal.openPrompt({
      transactionId: 'GWQ-HA-0001-1',
      service: { code: '', name: '' },
      departments: [clerkJson.department],
      mode: 'single',
      citizen: null,
      source: 'gwq',
      timeoutMs: 30_000,
    });
    expect(opened).toMatchObject({ ok: true, qr: null });
    const id = opened.promptId as string;
    expect(opened.expiresAt).toBeLessThanOrEqual(Date.now() + 30_000);
    touch(r, { type: 'rate', level: 1 });
    touch(r, { type: 'submit_reasons' });
    expect(told).toEqual([
      `prompt ${id} open false gwq`,
      `prompt ${id} rated false gwq`,
      `prompt ${id} rated true gwq`,
      `final ${id} rated gwq`,
    ]);
    // The level is read back from the prompt's records, by the listener that may tell it.
    expect(r.terminal.getPrompt(id)?.records.map((x) => x.level)).toEqual([1]);
    expect(
      (await answered(r.client.GET('/v1/prompts/{id}', { params: { path: { id: id } } }))).body,
    ).toMatchObject({
      source: 'gwq',
      final: true,
      qr: null,
    });
    await waitFor(() => prompts().some((p) => p.final), 'the final event');
    expect(prompts().map((p) => p.source)).toEqual(['gwq', 'gwq', 'gwq']);
  });
});
