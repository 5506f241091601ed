// The hall's notices and SIGHUP, through the real serve process: a folder missing at the
// start is no crash (the idle screen simply has none), notices put there show after a
// reload, and a notice taken away is no longer served. The screen's view is read over
// the screens' own bridge, as the page reads it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Run, runCli, waitFor } from '../../helpers/cli.js';
import { startOnFreePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';

const runs: Run[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.child.kill('SIGKILL');
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

interface IdleSlides {
  slides: { id: string; title: string }[];
  seconds: number;
}

/** The idle screen's notices as a freshly connected screen is told them. */
async function slidesOnScreen(uiPort: number): Promise<IdleSlides | null> {
  const ws = new WebSocket(`ws://127.0.0.1:${uiPort}/bridge`, { origin: `http://127.0.0.1:${uiPort}` });
  try {
    return await new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as {
          type: string;
          view?: { screen: { kind: string; slides?: IdleSlides | null } };
        };
        if (m.type === 'view' && m.view?.screen.kind === 'idle') resolve(m.view.screen.slides ?? null);
      });
    });
  } finally {
    ws.close();
  }
}

describe('SIGHUP and the hall’s notices', () => {
  it('reads the folder again: notices added show, a notice removed is no longer served', async () => {
    const dir = tempDir();
    let apiPort = 0;
    let uiPort = 0;
    const file = join(dir, 'config.yaml');
    const write = (seconds: number) =>
      writeFileSync(
        file,
        `terminal:\n  id: HA-1\n  mode: kiosk\n  areaCode: "350521"\nkeypad:\n  driver: none\nstore:\n  path: ./t.db\napi:\n  port: ${apiPort}\nui:\n  port: ${uiPort}\n  idleSlides: ./notices\n  idleSlideSeconds: ${seconds}\n`,
      );
    const { run: r } = await startOnFreePorts(
      2,
      ([api, ui]) => {
        [apiPort, uiPort] = [api as number, ui as number];
        write(10);
        const run = runCli(['serve', '--config', file]);
        runs.push(run);
        return run;
      },
      (run) => run.stdout().includes('Local API:'),
      'the start',
    );
    // The folder (relative to the configuration file) does not exist yet: no notices, no crash.
    expect(await slidesOnScreen(uiPort)).toBeNull();

    const notices = join(dir, 'notices');
    mkdirSync(notices);
    writeFileSync(join(notices, '2-预约服务.png'), PNG);
    writeFileSync(join(notices, '1-办事指南.png'), PNG);
    write(15);
    r.child.kill('SIGHUP');
    await waitFor(() => r.stdout().includes('Configuration reloaded.'), 'the reload');
    const after = await slidesOnScreen(uiPort);
    expect(after?.seconds).toBe(15);
    expect(after?.slides.map((s) => s.title)).toEqual(['1-办事指南', '2-预约服务']);
    const [first, second] = after?.slides ?? [];
    const get = (id: string) => fetch(`http://127.0.0.1:${uiPort}/slides/${id}`);
    const served = await get(first?.id ?? '');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    rmSync(join(notices, '1-办事指南.png'));
    r.child.kill('SIGHUP');
    await waitFor(() => r.stdout().split('Configuration reloaded.').length === 3, 'the second reload');
    expect((await slidesOnScreen(uiPort))?.slides.map((s) => s.id)).toEqual([second?.id]);
    expect((await get(first?.id ?? '')).status).toBe(404);
    expect((await get(second?.id ?? '')).status).toBe(200);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });
});
