// With a terminal already running on the same configuration, doctor asks it
// (GET /v1/health) about the keypad and the store instead of opening them.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startOnFreePorts } from '../../helpers/ports.js';
import { doctor, healthUntil, lineOf, onCleanup, parts, type Rig, setPorts, start, startRig } from './rig.js';

function apiPort(rig: Rig): number {
  return (rig.config.api as { port: number }).port;
}

async function startServe(rig: Rig) {
  const { run: serve } = await startOnFreePorts(
    2,
    ([api, ui]) => {
      setPorts(rig, api as number, ui as number);
      return start(['serve', '--config', rig.configFile]);
    },
    (r) => r.stdout().includes('Screens:'),
    'serve to start',
  );
  // As a technician would find it: the running terminal has heard the keypad.
  await healthUntil(apiPort(rig), (h) => h.keypad === 'online', 'the running terminal to see the keypad');
  return serve;
}

describe('haochaping-terminal doctor with a running terminal', () => {
  it('asks the running terminal about the keypad and the store', async () => {
    const rig = await startRig({ config: { platform: null } });
    await startServe(rig);
    const queriesBefore = rig.keypad.commands('query').length;
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual([
      'config',
      'store',
      'keypad',
      'platform',
      'clock',
      'fleet',
      'logs',
      'sounds',
    ]);
    expect(lineOf(r.lines, 'keypad')).toBe(
      `ok   keypad: frame keypad online on ${rig.pty.a} (asked the running terminal)`,
    );
    expect(lineOf(r.lines, 'store')).toMatch(/^ok {3}store: .*\(asked the running terminal\)$/);
    // doctor did not open the port (it could not: serve holds it) nor send a QUERY of its own.
    expect(rig.keypad.commands('query').length).toBe(queriesBefore);
  });

  it('warns when the running terminal is in training mode and the file no longer says so', async () => {
    const rig = await startRig({ config: { platform: null, terminal: { training: true } } });
    await startServe(rig);
    const live = { ...rig.config, terminal: { ...rig.config.terminal, training: false } };
    writeFileSync(rig.configFile, JSON.stringify(live, null, 2));
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(lineOf(r.lines, 'training')).toBe(
      'warn training: the running terminal is in training mode, the file says terminal.training: false; restart it so its ratings are forwarded',
    );
  });

  it('reports a keypad the running terminal cannot hear', async () => {
    const rig = await startRig({ config: { platform: null } });
    await startServe(rig);
    rig.keypad.silent = true;
    // Offline after 6 s without a frame (the contract's liveness rule).
    await healthUntil(apiPort(rig), (h) => h.keypad === 'offline', 'the keypad to go offline', 15_000);
    const r = await doctor(rig.configFile);
    expect(r.code).toBe(1);
    expect(lineOf(r.lines, 'keypad')).toMatch(
      /^FAIL keypad: the running terminal hears nothing from the keypad on .* \(asked the running terminal\) — check/,
    );
  });

  it('--keys says the running terminal holds the port: stop it first', async () => {
    const rig = await startRig({ config: { platform: null } });
    await startServe(rig);
    const r = await doctor(rig.configFile, ['--keys']);
    expect(r.code).toBe(1);
    expect(lineOf(r.lines, 'keypad-keys')).toBe(
      `FAIL keypad-keys: the running terminal holds ${rig.pty.a} — stop it first, then run doctor --keys again`,
    );
  });

  it('checks for itself when another terminal answers on api.port, and warns that serve could not start', async () => {
    const rig = await startRig({ config: { platform: null } });
    const other = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', terminalId: 'HA-9999', keypad: 'online', store: 'ok' }));
    });
    // On a port of the system's, which the configuration then names.
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => other.close(() => resolve())));
    setPorts(rig, (other.address() as AddressInfo).port, (rig.config.ui as { port: number }).port);
    const r = await doctor(rig.configFile);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(parts(r.lines)).toEqual([
      'config',
      'store',
      'keypad',
      'platform',
      'clock',
      'fleet',
      'api',
      'logs',
      'sounds',
    ]);
    expect(lineOf(r.lines, 'keypad')).toBe(
      `ok   keypad: KP-SIM, firmware 1.0.0, serial SIM0001 on ${rig.pty.a}`,
    );
    expect(lineOf(r.lines, 'api')).toMatch(/^warn api: .* answers as terminal HA-9999, not terminal HA-0001/);
  });
});
