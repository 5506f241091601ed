// The hall console for tests and the bench: the real `haochaping-terminal hall` process
// on a data folder of its own and a port the system gives (--port 0), and a publisher
// that speaks for terminals as the contract has them (stats days, 差评 with eventIds).
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { type Run, runCli, waitFor } from './cli.js';

export const HALL = '350521';

export interface ConsoleRun {
  run: Run;
  url: string;
  /** The broker session's client id, as the start lines name it. */
  clientId: string;
  stop(): Promise<void>;
}

/** Starts the console and waits until it has subscribed. */
export async function startConsole(
  brokerUrl: string,
  dataDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<ConsoleRun> {
  const run = runCli(
    ['hall', '--broker', brokerUrl, '--hall', HALL, '--port', '0', '--data', dataDir, ...extra],
    env,
  );
  let exited = false;
  void run.exit.then(() => {
    exited = true;
  });
  await waitFor(
    () => exited || run.stdout().includes('Broker: connected'),
    'the console to subscribe',
    30_000,
  );
  if (exited) throw new Error(`the console did not start: ${run.stderr()}`);
  const url = /Console: (http:\/\/\S+\/)/.exec(run.stdout())?.[1];
  const clientId = /broker session (\S+)\)/.exec(run.stdout())?.[1];
  if (!url || !clientId) throw new Error(`no address in the start lines: ${run.stdout()}`);
  return {
    run,
    url,
    clientId,
    async stop() {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exit;
      }
    },
  };
}

export interface Row {
  hour: string;
  clerkId?: string;
  deptCode?: string;
  deptName?: string;
  taskCode?: string;
  taskName?: string;
  levels: [number, number, number, number, number];
  reasons?: Record<string, number>;
  declined?: number;
  expired?: number;
}

/** A `T/stats/{day}` payload as the contract shows it; rows' source counts add up. */
export function statsPayload(terminalId: string, day: string, windowNo: string, rows: Row[], at?: string) {
  return {
    terminalId,
    hallId: HALL,
    windowNo,
    day,
    rows: rows.map((r) => {
      const [l5, l4, l3, l2, l1] = r.levels;
      const declined = r.declined ?? 0;
      const expired = r.expired ?? 0;
      return {
        hour: r.hour,
        clerkId: r.clerkId ?? '0427',
        deptCode: r.deptCode ?? '11350521MB0000000X',
        deptName: r.deptName ?? '县市场监督管理局',
        taskCode: r.taskCode ?? '001008001000',
        taskName: r.taskName ?? '食品经营许可',
        levels: { '5': l5, '4': l4, '3': l3, '2': l2, '1': l1 },
        reasons: r.reasons ?? {},
        declined,
        expired,
        source: { api: l5 + l4 + l3 + l2 + l1 + declined + expired, gwq: 0, invite: 0 },
      };
    }),
    at: at ?? `${day} 23:59:00`,
  };
}

export function badRatingEvent(over: Record<string, unknown> = {}) {
  return {
    type: 'bad_rating',
    eventId: randomUUID(),
    level: 2,
    evalDetail: '207,214',
    windowNo: '12',
    clerkId: '0427',
    deptCode: '11350521MB0000000X',
    deptName: '县市场监督管理局',
    taskName: '食品经营许可',
    training: false,
    at: '2026-11-29 14:31:05',
    ...over,
  };
}

/** Publishes as the terminals would (retained stats at QoS 1, events at QoS 1). */
export class TestPublisher {
  private constructor(readonly client: MqttClient) {}

  static async connect(brokerUrl: string): Promise<TestPublisher> {
    return new TestPublisher(
      await mqtt.connectAsync(brokerUrl, { clientId: `test-pub-${randomUUID()}`, reconnectPeriod: 0 }),
    );
  }

  stats(payload: ReturnType<typeof statsPayload>): Promise<unknown> {
    return this.client.publishAsync(
      `hcp/${HALL}/${payload.terminalId}/stats/${payload.day}`,
      JSON.stringify(payload),
      { qos: 1, retain: true },
    );
  }

  raw(topic: string, payload: string | Buffer, retain = false): Promise<unknown> {
    return this.client.publishAsync(`hcp/${HALL}/${topic}`, payload, { qos: 1, retain });
  }

  event(terminalId: string, event: Record<string, unknown>): Promise<unknown> {
    return this.client.publishAsync(`hcp/${HALL}/${terminalId}/events`, JSON.stringify(event), { qos: 1 });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** GET on the console; JSON for /api/…, bytes otherwise. */
export async function consoleGet(
  url: string,
  path: string,
): Promise<{ status: number; body: Buffer; type: string }> {
  const res = await fetch(new URL(path, url));
  return {
    status: res.status,
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type') ?? '',
  };
}

export async function consoleJson<T = any>(url: string, path: string): Promise<T> {
  const r = await consoleGet(url, path);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.toString('utf8')}`);
  return JSON.parse(r.body.toString('utf8')) as T;
}

const NAMES = [
  '县市场监督管理局',
  '县税务局',
  '县人力资源和社会保障局',
  '县自然资源局',
  '县公安局',
  '县住房和城乡建设局',
];
const TASKS = [
  ['001008001000', '食品经营许可'],
  ['001008002000', '个体工商户登记'],
  ['001003001000', '社会保险登记'],
  ['001005004000', '不动产登记'],
  ['001002007000', '居民身份证换领'],
  ['001009003000', '建筑工程施工许可'],
];
const BAD_CODES = ['207', '213', '214', '115', '108', '211'];

/** A small deterministic generator, so that a seeded hall is the same at every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A window's day as a terminal would count it: a few clerks' hours, 1–3 事项 each. */
export function dayRows(rand: () => number, window: number, busy = 1): Row[] {
  const rows: Row[] = [];
  const dept = window % NAMES.length;
  for (let h = 9; h <= 16; h++) {
    if (h === 12) continue;
    const tasks = 1 + Math.floor(rand() * 2);
    for (let t = 0; t < tasks; t++) {
      const [taskCode, taskName] = TASKS[(window + t) % TASKS.length] as [string, string];
      const n = Math.round((2 + rand() * 5) * busy);
      const l2 = rand() < 0.06 ? 1 : 0;
      const l1 = rand() < 0.03 ? 1 : 0;
      const l3 = rand() < 0.3 ? 1 : 0;
      const l4 = Math.floor(rand() * 2);
      const l5 = Math.max(0, n - l1 - l2 - l3 - l4);
      const reasons: Record<string, number> = {};
      for (let k = 0; k < l1 + l2; k++) {
        const code = BAD_CODES[Math.floor(rand() * BAD_CODES.length)] as string;
        reasons[code] = (reasons[code] ?? 0) + 1;
      }
      rows.push({
        hour: String(h).padStart(2, '0'),
        clerkId: String(400 + window + (h >= 14 ? 100 : 0)).padStart(4, '0'),
        deptCode: `11350521MB00${String(dept).padStart(5, '0')}X`,
        deptName: NAMES[dept] as string,
        taskCode,
        taskName,
        levels: [l5, l4, l3, l2, l1],
        reasons,
        declined: rand() < 0.1 ? 1 : 0,
        expired: rand() < 0.1 ? 1 : 0,
      });
    }
  }
  return rows;
}
