// The fleet's figures, on a real Mosquitto started here:
// - event latency: a 差评 becoming final in the engine (its records committed, the
//   moment the engine tells its listeners) to its bad_rating event arriving at a
//   subscriber, p50 and p99,
//   against a bare MQTT.js QoS 1 publish → receive of a same-sized message on the same
//   broker (the least any reporter could take). The two alternate, so a busy moment of
//   the machine lands on both alike.
// - scale, measured small: N simulated terminals (one MQTT connection each, state every
//   30 s, retained, and 差评 events at a busy hall's rate) against one Mosquitto; the
//   broker's CPU over one 30 s state cycle, against one core. HCP_FLEET_SCALE=100,1000
//   picks the N (default 100,1000,5000); HCP_FLEET_SCALE=0 skips them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { silentLogger } from '../../src/base/logger.js';
import { fleetSourceOf } from '../../src/engine/fleet-source.js';
import { Terminal } from '../../src/engine/terminal.js';
import { startFleet } from '../../src/fleet/reporter.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';
import { Broker } from '../helpers/mosquitto.js';
import { type Figure, percentile } from './format.js';

const EVENTS = 300;
const WARMUP = 20;
const STATE_PERIOD_MS = 30_000;
/** A busy window: one 差评 per terminal every 10 minutes. */
const EVENT_EVERY_MS = 600_000;

const nextMessage = (client: MqttClient, topic: string) =>
  new Promise<number>((resolve) => {
    const on = (t: string) => {
      if (t !== topic) return;
      client.off('message', on);
      resolve(performance.now());
    };
    client.on('message', on);
  });

async function latency(broker: Broker): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-fleet-'));
  const terminal = new Terminal({
    config: coreConfig({ mode: 'kiosk' }),
    openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
  });
  // "Final" is the commit: the engine tells its listeners right after it, and this one
  // is told before the reporter is.
  let finalAt = 0;
  terminal.subscribe({
    final: () => {
      finalAt = performance.now();
    },
  });
  const fleet = startFleet(
    {
      url: broker.url,
      username: null,
      password: null,
      ca: null,
      topicPrefix: 'hcp',
      hallId: '350521',
      keepaliveSeconds: 30,
      stateIntervalSeconds: 30,
      badRatingEvents: true,
      statsDays: 62,
    },
    { terminalId: 'HA-0001', windowNo: '12', mode: 'kiosk', training: false, version: 'bench' },
    fleetSourceOf(terminal),
    silentLogger,
  );
  terminal.start();
  const sub = await broker.client();
  await sub.subscribeAsync(['hcp/350521/HA-0001/events', 'bench/bare'], { qos: 1 });
  const pub = await broker.client({ clientId: 'bench-bare' });
  while (!fleet.connected) await new Promise((r) => setTimeout(r, 20));

  const sample = JSON.stringify({
    type: 'bad_rating',
    level: 2,
    evalDetail: '207',
    windowNo: '12',
    clerkId: null,
    deptCode: 'D-MKT',
    taskName: '个体工商户登记',
    training: false,
    at: '2026-11-29 14:31:05',
  });
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < WARMUP + EVENTS; i++) {
    terminal.openPrompt(request({ transactionId: `TX-BENCH-${i}` }));
    terminal.intent({ type: 'rate', level: 2 });
    terminal.intent({ type: 'toggle_reason', code: '207' });
    const arrived = nextMessage(sub, 'hcp/350521/HA-0001/events');
    terminal.intent({ type: 'submit_reasons' });
    const t0 = finalAt;
    const t1 = await arrived;
    const bareArrived = nextMessage(sub, 'bench/bare');
    const b0 = performance.now();
    pub.publish('bench/bare', sample, { qos: 1 });
    const b1 = await bareArrived;
    if (i >= WARMUP) {
      ours.push(t1 - t0);
      bare.push(b1 - b0);
    }
  }
  await fleet.stop();
  terminal.stop();
  sub.end(true);
  pub.end(true);
  rmSync(dir, { recursive: true, force: true });
  const fig = (p: number): Figure => ({
    name: `fleet 差评 final → event at subscriber p${p}`,
    value: percentile(ours, p),
    unit: 'ms',
    limit: percentile(bare, p),
    limitUnit: 'ms',
    limitWhat: `bare MQTT.js QoS 1 publish → receive p${p}, same broker`,
    better: 'lower',
  });
  return [fig(50), fig(99)];
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

async function scale(n: number): Promise<Figure> {
  const broker = await Broker.start({ extra: 'max_connections -1' });
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  let messages = 0;
  try {
    for (let i = 0; i < n; i++) {
      const id = `SIM-${String(i).padStart(5, '0')}`;
      const base = `hcp/350521/${id}`;
      const c = connect(broker.url, {
        clientId: `hcp-${id}`,
        clean: true,
        keepalive: 30,
        reconnectPeriod: 0,
        will: { topic: `${base}/availability`, payload: Buffer.from('offline'), qos: 1, retain: true },
      });
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('error', reject);
      });
      c.publish(`${base}/availability`, 'online', { qos: 1, retain: true });
      clients.push(c);
      const state = () => {
        messages++;
        c.publish(`${base}/state`, JSON.stringify({ terminalId: id, at: Date.now() }), {
          qos: 1,
          retain: true,
        });
        if (Math.random() < STATE_PERIOD_MS / EVENT_EVERY_MS) {
          messages++;
          c.publish(`${base}/events`, '{"type":"bad_rating","level":2}', { qos: 1 });
        }
      };
      // Spread over the period, as terminals started at different times are.
      const start = setTimeout(() => {
        state();
        timers.push(setInterval(state, STATE_PERIOD_MS));
      }, Math.random() * STATE_PERIOD_MS);
      timers.push(start);
    }
    // A console subscribed to the whole hall, as `hall` is.
    const console_ = connect(broker.url, { reconnectPeriod: 0 });
    await new Promise((r) => console_.once('connect', r));
    await console_.subscribeAsync('hcp/350521/#', { qos: 1 });
    clients.push(console_);
    const pid = broker.pid;
    const c0 = cpuTicks(pid);
    const m0 = messages;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, STATE_PERIOD_MS));
    const seconds = (performance.now() - t0) / 1000;
    const cpuPercent = (cpuTicks(pid) - c0) / seconds; // ticks/s at 100 Hz = percent of one core
    const rate = (messages - m0) / seconds;
    return {
      name: `fleet broker CPU, ${n} terminals (${rate.toFixed(0)} msg/s in, one console)`,
      value: Math.max(cpuPercent, 0.01),
      unit: '% of a core',
      limit: 100,
      limitUnit: '%',
      limitWhat: 'one core',
      better: 'lower',
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const c of clients) c.end(true);
    await broker.dispose();
  }
}

export async function fleetFigures(): Promise<Figure[]> {
  const broker = await Broker.start();
  const figures: Figure[] = [];
  try {
    figures.push(...(await latency(broker)));
  } finally {
    await broker.dispose();
  }
  const sizes = (process.env.HCP_FLEET_SCALE ?? '100,1000,5000')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  for (const n of sizes) figures.push(await scale(n));
  return figures;
}
