// A hostile file on SIGHUP: the running terminal (the real `serve`, under a 1 GiB
// memory limit, its KP/1 keypad on a real serial line) says why it did not take the
// file and keeps rating on the previous configuration: a key pressed while the reload
// runs is committed, and the API answers. Once an 80 000-key file froze keypad, API
// and screens for 71 s; /dev/zero killed the process; a FIFO hung it.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callApi } from '../../helpers/api-call.js';
import { freePort, type Run, runCli, waitFor } from '../../helpers/cli.js';
import { startPtyPair } from '../../helpers/socat.js';
import { tempDir } from '../../helpers/temp.js';
import { KeypadSim } from '../../sim/keypad-sim.js';
import {
  expectMemoryLimited,
  HOSTILE_FILES,
  type HostileFile,
  mkfifo,
  STACK_FRAME,
  underMemoryLimit,
} from './hostile-files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Generous bounds for a busy machine, not timings: each says what a hang would be.
const START_MS = 60_000;
const ANSWER_MS = 20_000;

/** How the terminal ends a reload it refused, in the old wording and in the new one. */
const KEPT = /the terminal keeps running on the previous one/g;

const REASONS_FIFO: HostileFile = {
  name: 'a reasons catalogue that became a FIFO',
  make: (path, valid) => {
    rmSync(path, { force: true });
    writeFileSync(path, `${valid}reasons: ./reasons.yaml\n`);
    const reasons = join(path, '..', 'reasons.yaml');
    rmSync(reasons, { force: true });
    mkfifo(reasons);
  },
  says: 'reasons.yaml: cannot use the file (it is a named pipe (FIFO), not a regular file)',
};

describe('SIGHUP with a hostile file', () => {
  it('keeps rating on the previous configuration and says why, for each hostile file', {
    timeout: 600_000,
  }, async () => {
    const dir = tempDir();
    const pty = await startPtyPair();
    cleanups.push(() => pty.close());
    const keypad = new KeypadSim({ path: pty.b });
    await keypad.open();
    cleanups.push(() => keypad.close());
    const [apiPort, uiPort] = [await freePort(), await freePort()];
    const valid = [
      'terminal:\n  id: HA-1\n  areaCode: "350521"\n  windowNo: "3"',
      `keypad:\n  driver: frame\n  path: ${pty.a}`,
      'store:\n  path: ./t.db',
      `api:\n  port: ${apiPort}`,
      `ui:\n  port: ${uiPort}`,
      '',
    ].join('\n');
    const file = join(dir, 'config.yaml');
    writeFileSync(file, valid);

    const r: Run = runCli(
      ['serve', '--config', file],
      { HAOCHAPING_DATA_DIR: join(dir, 'data') },
      {
        via: underMemoryLimit(),
      },
    );
    cleanups.push(() => {
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
    });
    await waitFor(
      () => r.stdout().includes('Local API:') || r.child.exitCode !== null,
      'the start',
      START_MS,
    );
    expect(r.stdout(), r.stderr()).toContain('Local API:');
    expectMemoryLimited(r.child.pid);
    const api = `http://127.0.0.1:${apiPort}/v1`;
    const clerk = { id: 'C-7', name: '王芳', department: { code: 'D-1', name: '县市场监管局' } };
    expect((await callApi(api, 'PUT', '/clerk', clerk)).status).toBe(200);

    let refused = 0;
    for (const [index, hostile] of [...HOSTILE_FILES, REASONS_FIFO].entries()) {
      const opened = await callApi(api, 'POST', '/prompts', {
        transactionId: `TX-HUP-${index}`,
        service: { code: 'S-1', name: '个体工商户登记' },
        departments: [{ code: 'D-1', name: '县市场监管局' }],
        mode: 'single',
      });
      expect(opened.status, hostile.name).toBe(201);
      const id = opened.body.id as string;
      hostile.make(file, valid);
      r.child.kill('SIGHUP');
      // Pressed while the reload runs: position 1 is 非常满意, which needs no reasons.
      const press = keypad.press(1);
      await waitFor(
        () => (r.stderr().match(KEPT) ?? []).length > refused || r.child.exitCode !== null,
        `the refused reload of ${hostile.name} (a hang is the defect)`,
        ANSWER_MS,
      );
      refused += 1;
      expect(r.child.exitCode, `${hostile.name}: ${r.stderr()}`).toBeNull();
      expect(r.stderr(), hostile.name).toContain(hostile.says);
      await press;
      await expect
        .poll(async () => (await callApi(api, 'GET', `/prompts/${id}`)).body?.status, {
          timeout: ANSWER_MS,
          message: `the press during the reload of ${hostile.name} is committed`,
        })
        .toBe('rated');
      const health = await callApi(api, 'GET', '/health');
      expect(health.status, hostile.name).toBe(200);
      // Still the previous configuration, whole.
      expect(health.body.terminalId, hostile.name).toBe('HA-1');
    }
    expect(r.stderr()).not.toMatch(STACK_FRAME);

    // And a good file is still taken.
    rmSync(file, { force: true });
    writeFileSync(file, valid);
    r.child.kill('SIGHUP');
    await waitFor(() => r.stdout().includes('Configuration reloaded.'), 'the good reload', ANSWER_MS);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });
});
