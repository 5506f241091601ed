// The real `haochaping-terminal serve` reporting to a real Mosquitto: the broker tells
// the hall a terminal is gone when its process is killed (the will), and the terminal
// says so itself on a clean stop. A SIGHUP with a changed fleet section reconnects.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type Run, runCli, waitFor } from '../../helpers/cli.js';
import { cleanupBrokers, json, Recorder, startBroker, text } from '../../helpers/mosquitto.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';

const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
  await cleanupBrokers();
});

async function serve(brokerUrl: string, more = '') {
  const dir = tempDir('hcp-fleet-serve-');
  const file = join(dir, 'config.yaml');
  const write = (url: string, extra: string) =>
    writeFileSync(
      file,
      `terminal:\n  id: HA-0007\n  windowNo: "7"\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./data/t.db\n` +
        `api:\n  port: ${apiPort}\nui:\n  port: ${uiPort}\nfleet:\n  url: ${url}\n  keepaliveSeconds: 5\n${extra}`,
    );
  let apiPort = 0;
  let uiPort = 0;
  const { run: r } = await startOnFreePorts(
    2,
    ([a, u]) => {
      [apiPort, uiPort] = [a as number, u as number];
      write(brokerUrl, more);
      const run = runCli(['serve', '--config', file]);
      runs.push(run);
      return run;
    },
    (run) => run.stdout().includes('Local API:'),
    'serve to start',
    30_000,
  );
  return { run: r, rewrite: write, apiUrl: `http://127.0.0.1:${apiPort}/v1` };
}

const T = 'hcp/350521/HA-0007';

describe('serve with a fleet section', () => {
  it('goes offline at the broker by its will when the process is killed', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const { run } = await serve(broker.url);
    await rec.next((m) => m.topic === `${T}/availability` && text(m) === 'online', 'online', 30_000);
    const state = json(await rec.next((m) => m.topic === `${T}/state`, 'state', 30_000));
    expect(state).toMatchObject({ terminalId: 'HA-0007', windowNo: '7', clerk: null, training: false });
    const from = rec.seen.length;
    run.child.kill('SIGKILL');
    const will = await rec.next((m) => m.topic === `${T}/availability`, 'the will', 30_000, from);
    expect(text(will)).toBe('offline');
    // Retained: a console that opens now sees it offline.
    const late = await Recorder.on(broker);
    const seen = await late.next((m) => m.topic === `${T}/availability`, 'retained offline');
    expect(seen.retain).toBe(true);
    expect(text(seen)).toBe('offline');
  });

  it('says offline itself on a clean stop, and reconnects under a new hall id on SIGHUP', async () => {
    const broker = await startBroker();
    const rec = await Recorder.on(broker);
    const { run, rewrite } = await serve(broker.url);
    await rec.next((m) => m.topic === `${T}/availability` && text(m) === 'online', 'online', 30_000);
    rewrite(broker.url, '  hallId: HALL-B\n');
    run.child.kill('SIGHUP');
    // The old topics are left offline, the new ones come online.
    await rec.next(
      (m) => m.topic === `${T}/availability` && text(m) === 'offline',
      'old topic offline',
      30_000,
    );
    await rec.next(
      (m) => m.topic === 'hcp/HALL-B/HA-0007/availability' && text(m) === 'online',
      'new topic online',
      30_000,
    );
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const late = await Recorder.on(broker);
    const seen = await late.next((m) => m.topic === 'hcp/HALL-B/HA-0007/availability', 'retained offline');
    expect(text(seen)).toBe('offline');
  });

  it('starts and answers its API the same with the broker down, and stops at once', async () => {
    const dead = await freePort();
    const { run, apiUrl } = await serve(`mqtt://127.0.0.1:${dead}`);
    await waitFor(() => run.stdout().includes('Local API:'), 'the start message', 30_000);
    expect(run.stdout()).toContain(`Fleet: mqtt://127.0.0.1:${dead} as hcp/350521/HA-0007`);
    const health = await (await fetch(`${apiUrl}/health`)).json();
    expect(health).toMatchObject({ terminalId: 'HA-0007', store: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});
