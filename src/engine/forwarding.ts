// Wires a Forwarder to a Terminal. The forwarder has its own connection to the rating
// database (WAL lets it read and write beside the Terminal's), so a slow platform or
// a long claim never stands between a citizen's press and its commit.

import { type Clock, systemClock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { StoreSection } from '../config/terminal-config.js';
import type { PlatformSection } from '../profiles/registry.js';
import {
  BUILT_IN_PROFILES,
  type ProfileRegistry,
  profileOf,
  type SharedStates,
} from '../profiles/registry.js';
import type { Outbox, RejectedRecord } from '../store/outbox.js';
import { RatingStore } from '../store/store.js';
import type { PlatformAdapter } from '../sync/adapter.js';
import { Forwarder, type ForwarderStatus } from '../sync/forwarder.js';
import type { Transport } from '../sync/http-transport.js';
import { FaultLog } from './fault-log.js';
import { logSetAside } from './store-link.js';
import type { Terminal } from './terminal.js';

export interface ForwardingConfig {
  platform: PlatformSection | null;
  store: StoreSection;
  /** A training terminal forwards nothing, whatever platform is configured (now or on reload). */
  training?: boolean;
}

export interface ForwardingOptions {
  clock?: Clock;
  transport?: Transport;
  random?: () => number;
  leaseMs?: number;
  /** Opens the forwarder's own connection; default RatingStore.attach on config.store. */
  openStore?: () => RatingStore;
  /** The profiles' shared state, e.g. gateway tokens shared with the URL mode's page requests. */
  shared?: SharedStates;
  /** The profiles the configuration was loaded with; default the built-in ones. */
  profiles?: ProfileRegistry;
}

export interface Forwarding {
  /** Stops the loop (a request in flight goes back to the queue) and closes the connection. */
  stop(): Promise<void>;
  /** New platform settings (SIGHUP): a pause ends at once; null stops forwarding. */
  reload(platform: PlatformSection | null): void;
  status(): ForwarderStatus;
  /** Set-aside records with the platform's reasons, for diagnostics. */
  rejected(): RejectedRecord[];
  /** Sends the set-aside records again (after the cause was fixed); returns how many. */
  requeueRejected(): number;
}

/** How often delivered records past their retention are pruned. */
export const PRUNE_EVERY_MS = 6 * 3600_000;
/** How often a store that would not open is tried again. */
const REOPEN_MS = 30_000;

export function startForwarding(
  config: ForwardingConfig,
  terminal: Terminal,
  log: Logger,
  options: ForwardingOptions = {},
): Forwarding {
  const clock = options.clock ?? systemClock;
  const profiles = options.profiles ?? BUILT_IN_PROFILES;
  // Without shared state each adapter starts afresh (a fujian adapter: a token of its own).
  const adapterFor = (p: PlatformSection): PlatformAdapter =>
    profileOf(profiles, p).createAdapter(p, options.shared?.of(p.profile));
  // The Terminal owns the database file (checks, repairs, moves it aside); the forwarder
  // only attaches to it, and retries until the owner has opened it.
  const openStore =
    options.openStore ??
    (() =>
      RatingStore.attach({
        path: config.store.path,
        keyFile: config.store.keyFile,
        training: config.training ?? false,
      }));
  const training = config.training ?? false;
  // On a training terminal no forwarder ever starts: its state stays "unconfigured".
  const usable = (p: PlatformSection | null) => (training ? null : p);
  if (training && config.platform) log.log('info', 'forwarding_off_training', {});
  let platform = usable(config.platform);
  const openFaults = new FaultLog(log, () => clock.now());
  let openFailed = false;
  let store: RatingStore | null = null;
  let outbox: Outbox | null = null;
  let forwarder: Forwarder | null = null;
  let stopped = false;
  let pruneTimer: unknown = null;
  let reopenTimer: unknown = null;
  /** Forwarders retired by a reload, still letting go of their records. */
  const stopping: Promise<void>[] = [];

  const unconfiguredStatus = (): ForwarderStatus => {
    let counts = { pending: 0, rejected: 0 };
    try {
      if (outbox) counts = outbox.counts();
    } catch (err) {
      log.log('error', 'forwarder_store_failed', { message: messageOf(err) });
    }
    return { state: 'unconfigured', ...counts, lastDeliveryAt: null, lastError: null, nextAttemptAt: null };
  };

  const show = (s: ForwarderStatus) => terminal.platformStatus(s.state, s.pending, s.rejected);

  const startForwarder = () => {
    if (!outbox || !platform || forwarder) return;
    forwarder = new Forwarder({
      outbox,
      adapter: adapterFor(platform),
      timeoutMs: platform.timeoutSeconds * 1000,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
      clock,
      log,
      onStatus: show,
    });
    forwarder.start();
  };

  const prune = () => {
    pruneTimer = null;
    if (stopped || !outbox) return;
    try {
      const pruned = outbox.prune(clock.now(), config.store.retentionDays);
      if (pruned.records > 0 || pruned.prompts > 0) log.log('info', 'store_pruned', { ...pruned });
    } catch (err) {
      log.log('error', 'store_prune_failed', { message: messageOf(err) });
    }
    pruneTimer = clock.setTimeout(prune, PRUNE_EVERY_MS);
  };

  const open = () => {
    reopenTimer = null;
    if (stopped) return;
    try {
      store = openStore();
      store.onSetAside((note) => logSetAside(log, note));
      outbox = store.outbox();
    } catch (err) {
      // The Terminal reports a store it cannot open; here we only keep trying, and say so
      // once (then every few minutes), not at every try.
      openFailed = true;
      openFaults.fault('error', 'forwarder_store_open_failed', messageOf(err));
      reopenTimer = clock.setTimeout(open, REOPEN_MS);
      return;
    }
    if (openFailed) {
      openFailed = false;
      openFaults.recovered('forwarder_store_opened');
    }
    prune();
    if (platform) startForwarder();
    else show(unconfiguredStatus());
  };

  const unsubscribe = terminal.subscribe({
    forward: () => {
      if (forwarder) forwarder.wake();
      else if (outbox) show(unconfiguredStatus());
    },
  });
  open();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      for (const t of [pruneTimer, reopenTimer]) if (t !== null) clock.clearTimeout(t);
      await Promise.all([forwarder?.stop(), ...stopping]);
      forwarder = null;
      store?.close();
      store = outbox = null;
    },
    reload(given) {
      if (stopped) return;
      const next = usable(given);
      platform = next;
      if (!next) {
        const old = forwarder;
        forwarder = null;
        if (old) stopping.push(old.stop());
        show(unconfiguredStatus());
        return;
      }
      if (forwarder) forwarder.reload(adapterFor(next), next.timeoutSeconds * 1000);
      else startForwarder();
    },
    status() {
      return forwarder?.status() ?? unconfiguredStatus();
    },
    rejected() {
      return outbox?.rejected() ?? [];
    },
    requeueRejected() {
      const n = outbox?.requeueRejected() ?? 0;
      if (n > 0) forwarder?.wake();
      return n;
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
