// One terminal's connection to the hall's broker. It owns the MQTT client and its
// reconnection (our own back-off: a fresh client per attempt, so nothing MQTT.js kept
// from a dead connection is sent before availability and state), and it never makes
// a caller wait: publishing is handing a message over, and while the broker is away
// events are held here (the newest HELD_MAX) and state is simply published on connect.

import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../base/logger.js';
import type { FleetTopics } from './messages.js';

/** Events held while the broker is away: the newest ones, oldest sent first. */
export const HELD_MAX = 100;
/** The contract's ceiling between reconnection attempts. */
export const RECONNECT_CAP_MS = 30_000;
const RECONNECT_FIRST_MS = 1_000;
/** A broker that takes the TCP connection and never answers is given up on after this. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A clean stop waits this long for its "offline" to be taken before it lets go. */
const STOP_GRACE_MS = 1_500;

export interface LinkSettings {
  url: string;
  username: string | null;
  password: string | null;
  /** The private CA's PEM, already read. */
  ca: Buffer | null;
  clientId: string;
  keepaliveSeconds: number;
  topics: FleetTopics;
}

export interface LinkHooks {
  /** The state to publish now (on every connect, first after availability). */
  currentState: () => string;
  log: Logger;
  random?: () => number;
  /** Told of each connect and each loss, for tests and diagnostics. */
  onConnected?: () => void;
}

/** Delay before reconnection attempt `failures` (1 = first): equal jitter, doubling from 1 s up to 30 s. */
export function reconnectDelay(failures: number, random: () => number): number {
  const d = Math.min(RECONNECT_CAP_MS, RECONNECT_FIRST_MS * 2 ** Math.min(Math.max(0, failures - 1), 10));
  return Math.round(d / 2 + random() * (d / 2));
}

export function clientOptions(s: LinkSettings): IClientOptions {
  return {
    clientId: s.clientId,
    clean: true,
    protocolVersion: 4,
    keepalive: s.keepaliveSeconds,
    // Reconnection is ours (see above); MQTT.js's own would resend its stored packets first.
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    queueQoSZero: false,
    resubscribe: false,
    ...(s.username !== null ? { username: s.username } : {}),
    ...(s.password !== null ? { password: s.password } : {}),
    ...(s.ca !== null ? { ca: s.ca } : {}),
    rejectUnauthorized: true,
    will: { topic: s.topics.availability, payload: Buffer.from('offline'), qos: 1, retain: true },
  };
}

export class FleetLink {
  private client: MqttClient | null = null;
  private connected = false;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Events not yet taken by the broker: held while away, or sent and awaiting PUBACK. */
  private held: string[] = [];
  private inFlight = new Map<number, string>();
  private nextInFlight = 0;

  constructor(
    private readonly settings: LinkSettings,
    private readonly hooks: LinkHooks,
  ) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** How many events wait for the broker. */
  get waiting(): number {
    return this.held.length + this.inFlight.size;
  }

  start(): void {
    this.attempt();
  }

  /** Retained state: sent now if connected; otherwise the next connect sends the state of then. */
  publishState(payload: string): void {
    if (!this.connected) return;
    this.publish(this.settings.topics.state, payload, { qos: 1, retain: true });
  }

  /**
   * A retained QoS 1 message of the link's own making (a day's counts, or an empty one
   * clearing a day): handed over if connected, `taken` called once the broker has it.
   * False when not connected: the caller sends it again on the next connect.
   */
  publishRetained(topic: string, payload: string, taken: () => void): boolean {
    if (!this.connected) return false;
    this.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      if (!err) taken();
    });
    return true;
  }

  /** A publish on the live client; a client that throws (MQTT.js on a closing connection) is lost. */
  private publish(
    topic: string,
    payload: string,
    opts: { qos: 1; retain?: boolean },
    done?: (err?: Error) => void,
  ): void {
    const client = this.client;
    if (!client) return;
    try {
      client.publish(topic, payload, opts, (err) => done?.(err));
    } catch (err) {
      this.lost(`publish failed: ${messageOf(err)}`);
    }
  }

  publishEvent(payload: string): void {
    if (this.connected && this.held.length === 0) this.send(payload);
    else this.hold([payload]);
  }

  /** Events still waiting, for the next link after a reload. */
  takeHeld(): string[] {
    const out = [...this.inFlight.values(), ...this.held];
    this.inFlight.clear();
    this.held = [];
    return out;
  }

  hold(events: string[]): void {
    this.held.push(...events);
    if (this.held.length > HELD_MAX) {
      const dropped = this.held.length - HELD_MAX;
      this.held.splice(0, dropped);
      this.hooks.log.log('warn', 'fleet_events_dropped', { count: dropped, kept: HELD_MAX });
    }
  }

  /** A clean stop: "offline" (retained) if the broker is there, then the connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (!this.connected) {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(true);
      return;
    }
    this.connected = false;
    // A clean DISCONNECT after our own "offline": the broker then drops the will.
    await within(STOP_GRACE_MS, (done) => {
      try {
        client.publish(this.settings.topics.availability, 'offline', { qos: 1, retain: true }, () => done());
      } catch {
        done();
      }
    });
    const ended = await within(STOP_GRACE_MS, (done) => client.end(false, {}, () => done()));
    if (!ended) client.end(true);
  }

  private attempt(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    let client: MqttClient;
    try {
      client = connect(this.settings.url, clientOptions(this.settings));
    } catch (err) {
      this.lost(`cannot connect: ${messageOf(err)}`);
      return;
    }
    this.client = client;
    client.on('connect', () => {
      // MQTT.js can emit 'connect' after an 'error' from the same bytes (a CONNACK followed
      // by garbage): by then the client is ended, and publishing on it would throw.
      if (this.client !== client || client.disconnecting || client.disconnected) return;
      this.connected = true;
      if (this.failures > 0) this.hooks.log.log('info', 'fleet_connected', { after: this.failures });
      this.failures = 0;
      const { topics } = this.settings;
      // The contract's order: availability, state, then what was held, oldest first.
      this.publish(topics.availability, 'online', { qos: 1, retain: true });
      this.publish(topics.state, this.hooks.currentState(), { qos: 1, retain: true });
      const backlog = this.held;
      this.held = [];
      for (const payload of backlog) this.send(payload);
      this.hooks.onConnected?.();
    });
    client.on('error', (err) => {
      if (this.client !== client) return;
      // A refused CONNACK or bytes that are not MQTT: this connection is done with.
      this.lost(messageOf(err));
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.lost('the connection closed');
    });
  }

  private send(payload: string): void {
    const client = this.client;
    if (!client) {
      this.hold([payload]);
      return;
    }
    const key = this.nextInFlight++;
    this.inFlight.set(key, payload);
    this.publish(this.settings.topics.events, payload, { qos: 1 }, (err) => {
      // After a loss the map was emptied into `held`: a late callback changes nothing.
      if (!err) this.inFlight.delete(key);
    });
  }

  private lost(why: string): void {
    const client = this.client;
    this.client = null;
    const wasConnected = this.connected;
    this.connected = false;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      try {
        client.end(true);
      } catch {
        // already ended: nothing left to let go of
      }
    }
    // Events sent but not acknowledged go back in front of those held since (QoS 1: at least once).
    const unacked = [...this.inFlight.values()];
    this.inFlight.clear();
    const later = this.held;
    this.held = [];
    this.hold([...unacked, ...later]);
    if (this.stopped) return;
    this.failures += 1;
    const delay = reconnectDelay(this.failures, this.hooks.random ?? Math.random);
    // One line when the link goes, then one per attempt only while it keeps failing in new ways.
    if (wasConnected || this.failures === 1) {
      this.hooks.log.log('warn', 'fleet_disconnected', { reason: why, retryInMs: delay });
    }
    this.retryTimer = setTimeout(() => this.attempt(), delay);
    this.retryTimer.unref?.();
  }
}

/** Runs `start`, resolving true when it calls back within `ms`, false when it does not. */
function within(ms: number, start: (done: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    start(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
