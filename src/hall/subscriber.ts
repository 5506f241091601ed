// The console's one MQTT connection: a persistent session (clean session off, kept by
// the broker for a week under the client id the data folder keeps), so that the 差评
// published while the console was away are delivered when it is back. Credentials stay
// in this process; the page never sees them.
//
// Only the 差评 need the broker's queue: events are subscribed at QoS 1 and acknowledged
// only once the database has them. Availability, state and stats are retained — the
// latest of each is sent again at every subscription — so they are subscribed at QoS 0,
// which the broker does not queue for an absent client: a week of 30-second states would
// otherwise fill the queue (max_queued_messages) and push the 差评 out of it.

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Keeper } from './keeper.js';
import type { HallOptions } from './options.js';
import { parseMessage } from './wire/messages.js';

/**
 * The broker (MQTT 5) sends nothing larger than this to the console: larger packets are
 * dropped there, unseen and uncounted. Everything up to it is read and counted when refused.
 */
export const MAX_PACKET_BYTES = 1024 * 1024;
/** The contract: the broker keeps the console's session a week after it went away. */
export const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

export type BrokerStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; problem: string | null };

export interface SubscriberEvents {
  status(status: BrokerStatus): void;
  /** After every message, taken or refused. */
  changed(): void;
}

export interface Subscriber {
  /** Drops the connection (the database failed a write): the broker delivers again on reconnect. */
  drop(): void;
  close(): Promise<void>;
}

/** Topic filter → QoS; retained ones come again at each subscription (retain handling 0). */
export function subscriptionsFor(prefix: string, hallId: string): Record<string, { qos: 0 | 1; rh: 0 }> {
  const t = `${prefix}/${hallId}/+`;
  return {
    [`${t}/events`]: { qos: 1, rh: 0 },
    [`${t}/availability`]: { qos: 0, rh: 0 },
    [`${t}/state`]: { qos: 0, rh: 0 },
    [`${t}/stats/+`]: { qos: 0, rh: 0 },
  };
}

/** The console's keepalive, seconds: mqtt.js pings after it and gives up half of it later. */
export const KEEPALIVE_SECONDS = 30;

/** mqtt.js's own timer shape, as its options take it (its module path is not exported). */
type Timer = Exclude<NonNullable<IClientOptions['timerVariant']>, string>;

/**
 * mqtt.js's keepalive, made patient while the broker is sending. mqtt.js pings when it has
 * heard no acknowledgement for a keepalive and drops the link when the answer is not back
 * half a keepalive later; but the console acknowledges nothing it reads at QoS 0, and at
 * each (re)subscription the broker sends every retained day first — a county's month is
 * 150 000 — so the answer arrives only once those are read. Measured: with the pages'
 * queries on the same thread, the answer came too late, the link dropped, the retained
 * days came again from the start, and the console never got through them. While packets
 * keep arriving the link is alive: this pings again (the broker must hear from the console
 * within its keepalive) and waits; once nothing arrives, mqtt.js gives up as before.
 * (`timerVariant`: the interval mqtt.js's KeepaliveManager counts its ticks on.)
 */
export function patientKeepalive(lastPacketAt: () => number, ping: () => void, now = Date.now): Timer {
  return {
    set(tick: () => void, ms: number) {
      let ticks = 0;
      const timer = setInterval(() => {
        ticks++;
        // Tick 1 waits, tick 2 pings, tick 3 gives up: unless packets are still coming.
        if (ticks >= 3 && now() - lastPacketAt() < ms) {
          ping();
          return;
        }
        tick();
      }, ms);
      return timer as unknown as number;
    },
    clear(id: number) {
      clearInterval(id as unknown as NodeJS.Timeout);
    },
  } as Timer;
}

/** One line about a connection failure, without the address's secrets (it has none: options refuse them). */
function describeError(err: Error): string {
  const text = err.message.replace(/\s+/g, ' ').slice(0, 200);
  return text === '' ? 'connection failed' : text;
}

export function startSubscriber(
  options: HallOptions,
  clientId: string,
  keeper: Keeper,
  on: SubscriberEvents,
): Subscriber {
  const read = (topic: string, payload: Buffer) =>
    parseMessage(options.prefix, options.hallId, topic, payload, keeper.knows);
  const clientOptions: IClientOptions = {
    protocolVersion: 5,
    // Made once per data folder: two consoles of a hall (a monitor and a laptop) keep two sessions.
    clientId,
    clean: false,
    // Subscribed anew at every connect (below), so that the retained messages come again.
    resubscribe: false,
    keepalive: KEEPALIVE_SECONDS,
    timerVariant: patientKeepalive(
      () => lastPacketAt,
      () => client.sendPing(),
    ),
    reconnectPeriod: 5_000,
    connectTimeout: 10_000,
    properties: { maximumPacketSize: MAX_PACKET_BYTES, sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
    // A QoS 1 message (a 差评) is acknowledged after its commit; a failed commit leaves it
    // unacknowledged, for the broker to deliver again.
    customHandleAcks: (topic, payload, _packet, done) => {
      try {
        keeper.takeNow(read(topic, payload));
      } catch (err) {
        done(err as Error);
        return;
      }
      done(0);
      on.changed();
    },
    ...(options.username !== null ? { username: options.username } : {}),
    ...(options.password !== null ? { password: options.password } : {}),
    ...(options.ca !== null ? { ca: options.ca } : {}),
  };
  let lastPacketAt = 0;
  const client: MqttClient = mqtt.connect(options.broker, clientOptions);
  client.on('packetreceive', () => {
    lastPacketAt = Date.now();
  });
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
    client.subscribe(subscriptionsFor(options.prefix, options.hallId), (err, granted) => {
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
  client.on('message', (topic, payload, packet) => {
    // QoS 1 went through customHandleAcks already.
    if (packet.qos !== 0) return;
    keeper.take(read(topic, payload));
    on.changed();
  });
  client.on('error', (err) => report({ state: 'disconnected', problem: describeError(err) }));
  client.on('close', () => report({ state: 'disconnected', problem: lastProblem }));
  client.on('reconnect', () => {
    if (last !== 'disconnected') report({ state: 'connecting' });
  });

  return {
    drop() {
      client.stream?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        client.end(true, {}, () => resolve());
      }),
  };
}
