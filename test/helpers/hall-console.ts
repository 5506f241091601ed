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
