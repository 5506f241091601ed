// The one process main both shells run on: what it says and returns when the file does not
// load or the screens cannot open, the order of a stop, and SIGHUP. The shell here is the
// test's own object (Electron cannot run here; serve's real shell is tested through serve).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenError } from '../../../src/engine/running-terminal.js';
import { startTerminalProcess, type TerminalProcess } from '../../../src/shells/process-main.js';
import { freePorts } from '../../helpers/ports.js';
import { tempDir } from '../../helpers/temp.js';

let apiPort = 0;

function configFile(dir: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      terminal: { id: 'HA-0001', mode: 'counter', windowNo: '12', areaCode: '350521' },
      keypad: { driver: 'none' },
      store: { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') },
      log: { dir: join(dir, 'logs') },
      api: { port: apiPort },
      ...extra,
    }),
  );
  return file;
}

function lines() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/**
 * Starts on a port the system just gave out; another program may take it meanwhile, and
 * then the start (which says so) is tried again on a new one.
 */
async function startOnFreshPort<S extends { close(): void }>(
  dir: string,
  options: Omit<Parameters<typeof startTerminalProcess<S>>[0], 'file'>,
) {
  for (let attempt = 0; ; attempt++) {
    [apiPort] = (await freePorts(1)) as [number];
    const started = await startTerminalProcess({ ...options, file: configFile(dir) });
    if (started.ok || attempt === 4) return started;
  }
}

describe('the process main of both shells', () => {
  it('returns 2 and says why when the configuration does not load, opening no shell', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"terminal": {"id": 5}}');
    const said = lines();
    let opened = false;
    const started = await startTerminalProcess({
      file,
      io: said.io,
      startShell: async () => {
        opened = true;
        return { close() {} };
      },
    });
    expect(started).toEqual({ ok: false, exitCode: 2 });
    expect(opened).toBe(false);
    expect(said.err.at(-1)).toBe(
      'The terminal did not start: fix the configuration above and start it again.',
    );
    expect(said.err.some((l) => l.includes('terminal.id'))).toBe(true);
  });

  it("returns 1 with the shell's own words when its screens cannot open, and closes the store", async () => {
    const dir = tempDir();
    const said = lines();
    [apiPort] = (await freePorts(1)) as [number];
    const started = await startTerminalProcess({
      file: configFile(dir),
      io: said.io,
      startShell: async () => {
        throw new ListenError('Port 7481 on 127.0.0.1 (ui.port) is already in use');
      },
    });
    expect(started).toEqual({ ok: false, exitCode: 1 });
    expect(said.err).toEqual(['Port 7481 on 127.0.0.1 (ui.port) is already in use']);
    // Closed: a second terminal on the same store starts (the store takes one owner).
    const again = await startOnFreshPort(dir, { io: lines().io, startShell: async () => ({ close() {} }) });
    expect(again.ok).toBe(true);
    if (again.ok) stops.push(() => again.process.stop('test'));
  });

  it('stops the shell before the engine, once, and rereads the file at SIGHUP', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    const said = lines();
    const order: string[] = [];
    const restart: string[] = [];
    let proc: TerminalProcess<{ close(): void }> | null = null;
    const started = await startOnFreshPort(dir, {
      io: said.io,
      startShell: async (running) => ({
        close() {
          // The engine still runs while the screens close: what they send last is taken.
          order.push(`shell closed, store ${running.terminal.health().store}`);
        },
      }),
      restartNeeded: (line) => restart.push(line),
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    proc = started.process;
    stops.push(() => proc?.stop('test') ?? Promise.resolve());

    // A change SIGHUP cannot apply goes to restartNeeded; the rest is applied.
    configFile(dir, { api: { port: apiPort, host: '0.0.0.0', token: 'a-long-token-for-the-test-1234' } });
    process.emit('SIGHUP');
    expect(said.out).toContain('Configuration reloaded.');
    expect(restart.join('\n')).toContain('api.host');
    // A file that no longer loads changes nothing and says so in one line.
    writeFileSync(file, '{');
    process.emit('SIGHUP');
    expect(said.err.at(-1)).toMatch(
      /^configuration not reloaded: .*; the terminal keeps running on the previous one$/,
    );

    const first = proc.stop('SIGTERM');
    const second = proc.stop('SIGTERM');
    await Promise.all([first, second]);
    expect(order).toEqual(['shell closed, store ok']);
    expect(proc.running.terminal.health().store).not.toBe('ok');
    // Stopped: SIGHUP is no longer heard.
    const outBefore = said.out.length;
    configFile(dir);
    process.emit('SIGHUP');
    expect(said.out.length).toBe(outBefore);
  });
});
