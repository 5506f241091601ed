// The console's one MQTT connection: it subscribes to the hall's three topics and hands
// every message to the board. Credentials stay in this process; the page never sees them.

import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Alert, Board } from './board.js';
import { parseMessage } from './messages.js';
import type { HallOptions } from './options.js';

/**
 * The broker (MQTT 5) sends nothing larger than this to the console: larger packets are
 * dropped there, unseen and uncounted. Everything up to it is read and counted when refused.
 */
export const MAX_PACKET_BYTES = 1024 * 1024;

export type BrokerStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; problem: string | null };

export interface SubscriberEvents {
  status(status: BrokerStatus): void;
  alert(alert: Alert): void;
  /** After every message, taken or refused. */
  changed(): void;
}

export interface Subscriber {
  close(): Promise<void>;
}

function topicsFor(prefix: string, hallId: string): string[] {
  return ['availability', 'state', 'events'].map((part) => `${prefix}/${hallId}/+/${part}`);
}

/** One line about a connection failure, without the address's secrets (it has none: options refuse them). */
function describeError(err: Error): string {
  const text = err.message.replace(/\s+/g, ' ').slice(0, 200);
  return text === '' ? 'connection failed' : text;
}

export function startSubscriber(options: HallOptions, board: Board, on: SubscriberEvents): Subscriber {
  const clientOptions: IClientOptions = {
    protocolVersion: 5,
    // A console per hall may run more than once (a monitor and a laptop): ids must not clash.
    clientId: `hcp-hall-${options.hallId}-${randomBytes(4).toString('hex')}`,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 5_000,
    connectTimeout: 10_000,
    properties: { maximumPacketSize: MAX_PACKET_BYTES },
    ...(options.username !== null ? { username: options.username } : {}),
    ...(options.password !== null ? { password: options.password } : {}),
    ...(options.ca !== null ? { ca: options.ca } : {}),
  };
  const client: MqttClient = mqtt.connect(options.broker, clientOptions);
  let closing = false;
  let last: BrokerStatus['state'] | null = null;
  let lastProblem: string | null = null;
  const report = (status: BrokerStatus) => {
    const problem = status.state === 'disconnected' ? status.problem : null;
    if (closing || (status.state === last && problem === lastProblem)) return;
    last = status.state;
    lastProblem = problem;
    on.status(status);
  };
  report({ state: 'connecting' });

  client.on('connect', () => {
    client.subscribe(topicsFor(options.prefix, options.hallId), { qos: 1 }, (err, granted) => {
      const refused = granted?.some((g) => g.qos >= 0x80);
      if (err || refused) {
        report({
          state: 'disconnected',
          problem: 'the broker refused the subscription (check the user and the ACL)',
        });
        return;
      }
      report({ state: 'connected' });
    });
  });
  client.on('message', (topic, payload) => {
    const parsed = parseMessage(options.prefix, options.hallId, topic, payload);
    if (!parsed.ok) board.refuse(parsed.reason);
    else {
      const alert = board.apply(parsed.message);
      if (alert) on.alert(alert);
    }
    on.changed();
  });
  client.on('error', (err) => report({ state: 'disconnected', problem: describeError(err) }));
  client.on('close', () => report({ state: 'disconnected', problem: lastProblem }));
  client.on('reconnect', () => {
    if (last !== 'disconnected') report({ state: 'connecting' });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        client.end(true, {}, () => resolve());
      }),
  };
}
