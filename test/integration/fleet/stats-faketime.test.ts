// The real `haochaping-terminal serve` whose clock passes a full hour (faketime, ten
// times as fast, from 09:56 UTC+8): rated through its API and its screens' bridge
// before the hour, it publishes the hour's counts within a minute after 10:00, equal to
// what its store file holds; started again later, it publishes the same counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, type Run, runCli, waitFor } from '../../helpers/cli.js';
import { libfaketime } from '../../helpers/hall-clock.js';
import { cleanupBrokers, json, Recorder, type Seen, startBroker } from '../../helpers/mosquitto.js';
import { tempDir } from '../../helpers/temp.js';
import { storeCounts } from './store-counts.js';

const T = 'hcp/350521/HA-0007';
const DAY = '2026-11-29';
const SPEED = 10;

const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  await cleanupBrokers();
});

/** `serve` under faketime from `start` (UTC+8, `HH:mm:ss` on 2026-11-29), SPEED times as fast. */
function serveAt(start: string, file: string) {
  // faketime reads its start in the process's zone: UTC here, so the UTC+8 time less 8 hours.
  const [h, m, s] = start.split(':').map(Number) as [number, number, number];
  const utc = `2026-11-29 ${String(h - 8).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  const run = runCli(['serve', '--config', file], {
    TZ: 'UTC',
    LD_PRELOAD: libfaketime(),
    FAKETIME: `@${utc} x${SPEED}`,
  });
  runs.push(run);
  return run;
}

describe('a terminal process whose clock passes an hour', () => {
  it('publishes the finished hour within a minute after it, equal to its store; the same after a restart', {
    timeout: 300_000,
  }, async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker, `${T}/stats/+`);
    const dir = tempDir('hcp-faketime-');
    const file = join(dir, 'config.yaml');
    const [apiPort, uiPort] = [await freePort(), await freePort()];
    writeFileSync(
      file,
      `terminal:\n  id: HA-0007\n  mode: kiosk\n  windowNo: "7"\n  areaCode: "350521"\nkeypad:\n  driver: none\n` +
        `store:\n  path: ./t.db\napi:\n  port: ${apiPort}\nui:\n  port: ${uiPort}\n` +
        `fleet:\n  url: ${broker.url}\n  keepaliveSeconds: 60\n`,
    );
    const run = serveAt('09:56:00', file);
    // A process start is seconds on a busy machine; the clock runs ten times as fast meanwhile.
    await waitFor(() => run.stdout().includes('Local API:'), 'the start', 120_000).catch((err) => {
      throw new Error(`${err.message}; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
    });
    const api = `http://127.0.0.1:${apiPort}/v1`;
    const ws = new WebSocket(`ws://127.0.0.1:${uiPort}/bridge`, { origin: `http://127.0.0.1:${uiPort}` });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const ratedAt: number[] = [];
    for (const [i, level] of [5, 4, 2].entries()) {
      const opened = await fetch(`${api}/prompts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          transactionId: `TX-FT-${i}`,
          service: { code: 'S-1', name: '个体工商户登记' },
          departments: [{ code: 'D-MKT', name: '县市场监管局' }],
          mode: 'single',
        }),
      });
      const { id, expiresAt } = (await opened.json()) as { id: string; expiresAt: string };
      // The process's own time, as the prompt's deadline tells it (60 s after it opened).
      ratedAt.push(Date.parse(expiresAt) - 60_000);
      ws.send(JSON.stringify({ type: 'intent', intent: { type: 'rate', level } }));
      if (level <= 2) {
        ws.send(JSON.stringify({ type: 'intent', intent: { type: 'toggle_reason', code: '207' } }));
        ws.send(JSON.stringify({ type: 'intent', intent: { type: 'submit_reasons' } }));
      }
      await expect
        .poll(
          async () => ((await (await fetch(`${api}/prompts/${id}`)).json()) as { status: string }).status,
          {
            timeout: 20_000,
          },
        )
        .toBe('rated');
      await new Promise((r) => setTimeout(r, 400)); // the thank-you screen, four seconds of its time
    }
    ws.close();
    const hour = Date.parse('2026-11-29T10:00:00+08:00');
    expect(
      ratedAt.every((t) => t < hour),
      'the ratings were given before 10:00 on the terminal',
    ).toBe(true);

    const ten = await rec.next(
      (m) =>
        m.topic === `${T}/stats/${DAY}` &&
        m.payload.length > 0 &&
        (json(m).at as string) >= '2026-11-29 10:00:00',
      'the counts after 10:00',
      120_000,
    );
    const at = json(ten).at as string;
    expect(at < '2026-11-29 10:01:00', `published at ${at}`).toBe(true);
    const rows = json(ten).rows as unknown[];
    const source = () => 'api' as const;
    expect(rows).toEqual(storeCounts(join(dir, 't.db'), DAY, hour, source));
    expect(rows).toMatchObject([
      {
        hour: '09',
        clerkId: '',
        deptCode: 'D-MKT',
        levels: { 5: 1, 4: 1, 3: 0, 2: 1, 1: 0 },
        reasons: { 207: 1 },
      },
    ]);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const from = rec.seen.length;
    const again = serveAt('10:20:00', file);
    const after = await rec.next(
      (m: Seen) => m.topic === `${T}/stats/${DAY}` && m.payload.length > 0,
      'the counts after the restart',
      60_000,
      from,
    );
    expect((json(after).at as string) >= '2026-11-29 10:20:00').toBe(true);
    expect(json(after).rows).toEqual(rows);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });
});
