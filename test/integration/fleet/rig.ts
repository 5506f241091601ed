// A terminal in this process (real store in a temp folder) with the fleet reporter
// pointed at a real Mosquitto, and what the tests need around them: a TCP proxy that
// can cut the line, and a "broker" that takes the connection and never answers.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import type { FleetSection } from '../../../src/config/terminal-config.js';
import type { Citizen } from '../../../src/core/model.js';
import { fleetSourceOf } from '../../../src/engine/fleet-source.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { type FleetReporter, startFleet } from '../../../src/fleet/reporter.js';
import { RatingStore } from '../../../src/store/store.js';
import { clerk, coreConfig, request } from '../../helpers/core-fixture.js';
import { cleanupBrokers } from '../../helpers/mosquitto.js';
import { tempDir } from '../../helpers/temp.js';

export const TERMINAL_ID = 'HA-0001';
export const HALL = '350521';
export const BASE = `hcp/${HALL}/${TERMINAL_ID}`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await cleanupBrokers();
});

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export function section(url: string, more: Partial<FleetSection> = {}): FleetSection {
  return {
    url,
    username: null,
    password: null,
    ca: null,
    topicPrefix: 'hcp',
    hallId: HALL,
    keepaliveSeconds: 30,
    stateIntervalSeconds: 30,
    badRatingEvents: true,
    statsDays: 62,
    ...more,
  };
}

export interface FleetRig {
  terminal: Terminal;
  fleet: FleetReporter;
  /** Opens a prompt, rates it `level`, and for a 差评 picks `reasons` and submits; returns when committed. */
  rate(
    level: 1 | 2 | 3 | 4 | 5,
    options?: { reasons?: string[]; citizen?: Citizen; realName?: boolean; tx?: string },
  ): void;
}

let txCounter = 0;

export function fleetRig(
  fleet: FleetSection | null,
  options: {
    mode?: 'counter' | 'kiosk';
    training?: boolean;
    terminalId?: string;
    /** The store will not open the first time (as a disk not yet mounted); it opens on the engine's retry. */
    storeFailsFirst?: boolean;
    /** prompt.goodIndicators: a 好评 may go on to its indicators screen. */
    goodIndicators?: 'off' | 'optional';
  } = {},
): FleetRig {
  const dir = tempDir('hcp-fleet-');
  const mode = options.mode ?? 'counter';
  const training = options.training ?? false;
  let failures = options.storeFailsFirst ? 1 : 0;
  const terminal = new Terminal({
    config: coreConfig({
      mode,
      training,
      terminalId: options.terminalId ?? TERMINAL_ID,
      ...(options.goodIndicators ? { goodIndicators: options.goodIndicators } : {}),
    }),
    openStore: () => {
      if (failures-- > 0) throw new Error('the disk is not mounted yet');
      return RatingStore.open({
        path: join(dir, 'terminal.db'),
        keyFile: join(dir, 'terminal.key'),
        training,
      });
    },
  });
  const reporter = startFleet(
    fleet,
    { terminalId: options.terminalId ?? TERMINAL_ID, windowNo: '12', mode, training, version: '0.0.0-test' },
    fleetSourceOf(terminal),
    silentLogger,
  );
  terminal.start();
  onCleanup(async () => {
    await reporter.stop();
    terminal.stop();
  });
  if (mode === 'counter') terminal.signIn(clerk);
  return {
    terminal,
    fleet: reporter,
    rate(level, o = {}) {
      const opened = terminal.openPrompt(
        request({ transactionId: o.tx ?? `TX-FLEET-${++txCounter}`, citizen: o.citizen ?? null }),
      );
      if (!opened.ok) throw new Error(`prompt refused: ${opened.message}`);
      if (o.realName) terminal.intent({ type: 'real_name', on: true });
      terminal.intent({ type: 'rate', level });
      if (level <= 2) {
        for (const code of o.reasons ?? []) terminal.intent({ type: 'toggle_reason', code });
        terminal.intent({ type: 'submit_reasons' });
      }
    },
  };
}

/** A TCP proxy to `port` that the test can cut (every connection dropped, new ones refused) and restore. */
export class LineProxy {
  port = 0;
  private up = true;
  private readonly sockets = new Set<Socket>();
  private server!: Server;

  static async start(target: number): Promise<LineProxy> {
    const p = new LineProxy();
    p.server = createServer((inbound) => {
      if (!p.up) {
        inbound.destroy();
        return;
      }
      const outbound = tcpConnect(target, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        p.sockets.add(s);
        s.on('close', () => p.sockets.delete(s));
        s.on('error', () => {});
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
    p.port = (p.server.address() as { port: number }).port;
    onCleanup(() => p.close());
    return p;
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Accepts TCP connections and never says a word (nor reads much): a broker that hangs. */
export async function blackHole(): Promise<{ port: number; accepted: () => number }> {
  const held: Socket[] = [];
  const server = createServer((s) => {
    s.on('error', () => {});
    s.pause();
    held.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(
    () =>
      new Promise<void>((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as { port: number }).port, accepted: () => held.length };
}
