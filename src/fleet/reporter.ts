// The fleet reporter: an effect consumer like the screens or the forwarder. It listens
// to the engine, and everything it does happens later, on its own timers: a listener
// only notes that something changed (or queues a 差评 event), so a rating never waits
// for the broker, a slow one or an absent one.

import { type Clock, systemClock } from '../base/clock.js';
import { newUuid } from '../base/ids.js';
import type { Logger } from '../base/logger.js';
import { CA_FILE_MAX_BYTES, RefusedFileError, readBoundedFileSync } from '../base/read-bounded-file.js';
import type { FleetSection } from '../config/terminal-config.js';
import type { PlatformState } from '../core/model.js';
import { FleetLink } from './link.js';
import {
  badRatingEvents,
  type FleetEvent,
  fleetTopics,
  platformPausedEvent,
  type StateMessage,
  stateBody,
  stateMessage,
  storeFaultEvent,
} from './messages.js';
import type { FleetSource } from './source.js';
import { StatsPublisher } from './stats-publisher.js';

/** A change is published this long after it is noticed, so a burst makes one message (well within 1 s). */
export const STATE_SETTLE_MS = 150;

export interface FleetIdentity {
  terminalId: string;
  windowNo: string;
  mode: 'counter' | 'kiosk';
  training: boolean;
  version: string;
}

export interface FleetOptions {
  /** The hourly counts' clock (a test's fake one); default the system's. */
  clock?: Clock;
  /** store.retentionDays: a day older than that is not republished (the store may have pruned part of it). */
  retentionDays?: number;
  /** The `eventId` of each 差评 event: a random UUID unless a test gives its own. */
  newEventId?: () => string;
  random?: () => number;
}

export interface FleetReporter {
  /** A changed `fleet` section (SIGHUP): reconnects with it; null stops reporting. */
  reload(next: FleetSection | null): Promise<void>;
  /** Publishes "offline" if it can, and lets go. */
  stop(): Promise<void>;
  readonly connected: boolean;
}

export function startFleet(
  section: FleetSection | null,
  identity: FleetIdentity,
  source: FleetSource,
  log: Logger,
  options: FleetOptions = {},
): FleetReporter {
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const newEventId = options.newEventId ?? newUuid;
  const retentionDays = options.retentionDays ?? 90;
  let config = section;
  let link: FleetLink | null = null;
  let lastBody = '';
  let settleTimer: NodeJS.Timeout | null = null;
  let intervalTimer: NodeJS.Timeout | null = null;
  let storeWasOk = true;
  let platformWas: PlatformState | null = null;
  let stopped = false;
  let reloading: Promise<void> = Promise.resolve();

  const facts = () => {
    const health = source.health();
    const queued = health.queue?.pending ?? 0;
    return stateBody({
      terminalId: identity.terminalId,
      hallId: config?.hallId ?? '',
      windowNo: identity.windowNo,
      mode: identity.mode,
      version: identity.version,
      clerk: source.clerk,
      keypad: health.keypad,
      storeOk: health.store === 'ok',
      platform: {
        state: health.platform,
        queued,
        rejected: health.queue?.rejected ?? 0,
        oldestQueuedAt: queued > 0 ? source.oldestQueuedAt() : null,
      },
      promptOpen: source.promptOpen(),
      training: identity.training,
    });
  };

  const event = (e: FleetEvent) => link?.publishEvent(JSON.stringify(e));

  /** Publishes the state if it changed; notices a store fault or a paused platform as it begins. */
  const refresh = (force: boolean) => {
    settleTimer = null;
    if (stopped || !config) return;
    let body: ReturnType<typeof facts>;
    try {
      body = facts();
    } catch (err) {
      log.log('error', 'fleet_state_failed', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const at = now();
    const storeOk = body.store === 'ok';
    if (storeWasOk && !storeOk) event(storeFaultEvent(at));
    storeWasOk = storeOk;
    const p = body.platform.state;
    if ((p === 'auth_failed' || p === 'misconfigured') && p !== platformWas)
      event(platformPausedEvent(p, at));
    platformWas = p;
    const text = JSON.stringify(body);
    if (!force && text === lastBody) return;
    lastBody = text;
    link?.publishState(stateMessage(body, at));
  };

  const changed = () => {
    if (settleTimer !== null || stopped) return;
    settleTimer = setTimeout(() => refresh(false), STATE_SETTLE_MS);
  };

  const unsubscribe = source.subscribe({
    changed,
    final: (records) => {
      if (!config?.badRatingEvents) return;
      // Stamped now, sent after the rating's step has returned.
      const events = badRatingEvents(records, identity.training, now(), newEventId);
      if (events.length > 0) setImmediate(() => events.forEach(event));
    },
  });

  // Training terminals publish no counts: their ratings are try-outs.
  const stats = identity.training
    ? null
    : new StatsPublisher(
        {
          clock,
          counts: (from, to) => source.hourlyCounts(from, to),
          identity: () => ({
            terminalId: identity.terminalId,
            hallId: config?.hallId ?? '',
            windowNo: identity.windowNo,
          }),
          log,
          ...(options.random ? { random: options.random } : {}),
        },
        { statsDays: config?.statsDays ?? 62, retentionDays },
      );
  stats?.start();

  const open = (next: FleetSection, carried: string[]) => {
    const topics = fleetTopics(next.topicPrefix, next.hallId, identity.terminalId);
    let ca: Buffer | null = null;
    if (next.ca !== null) {
      try {
        ca = readBoundedFileSync(next.ca, { maxBytes: CA_FILE_MAX_BYTES }).bytes;
      } catch (err) {
        // Without its CA the broker cannot be trusted; say so once and report nothing.
        log.log('error', 'fleet_ca_unreadable', {
          message: `cannot read fleet.ca ${next.ca} (${err instanceof RefusedFileError ? err.reason : ((err as NodeJS.ErrnoException).code ?? 'error')}); check the path and its permissions, then reload`,
        });
        return;
      }
    }
    link = new FleetLink(
      {
        url: next.url,
        username: next.username,
        password: next.password,
        ca,
        clientId: `hcp-${identity.terminalId}`,
        keepaliveSeconds: next.keepaliveSeconds,
        topics,
      },
      {
        log,
        currentState: () => {
          const body = facts();
          lastBody = JSON.stringify(body);
          return stateMessage(body, now());
        },
        onConnected: () => stats?.connected(),
      },
    );
    stats?.setSink(link, topics.stats, { statsDays: next.statsDays, retentionDays });
    link.hold(carried);
    link.start();
    intervalTimer = setInterval(() => refresh(true), next.stateIntervalSeconds * 1000);
    intervalTimer.unref?.();
  };

  const close = async (): Promise<string[]> => {
    if (intervalTimer) clearInterval(intervalTimer);
    intervalTimer = null;
    const old = link;
    link = null;
    stats?.setSink(null, () => '', { statsDays: config?.statsDays ?? 62, retentionDays });
    if (!old) return [];
    const carried = old.takeHeld();
    await old.stop();
    return carried;
  };

  if (config) open(config, []);

  return {
    get connected() {
      return link?.isConnected ?? false;
    },
    reload(next) {
      // One reload at a time: two quick SIGHUPs must not leave two links open.
      reloading = reloading
        .then(async () => {
          if (stopped || JSON.stringify(next) === JSON.stringify(config)) return;
          const carried = await close();
          config = next;
          log.log('info', 'fleet_reconfigured', { fleet: next ? 'configured' : 'none' });
          if (next && !stopped) open(next, carried);
        })
        .catch((err) => {
          log.log('error', 'fleet_reload_failed', {
            error: err instanceof Error ? err.message : String(err),
          });
        });
      return reloading;
    },
    async stop() {
      stopped = true;
      await reloading;
      unsubscribe();
      stats?.stop();
      if (settleTimer) clearTimeout(settleTimer);
      settleTimer = null;
      await close();
    },
  };
}

export type { StateMessage };
