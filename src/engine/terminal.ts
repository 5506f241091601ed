// The Terminal: one engine that wires the rules to the store, the clock and whoever
// listens (screens, keypad driver, business system). It runs the core's effects in
// order and stops at a failed persist: persist, then thank.

import { hidPosition } from '../../drivers/keypad/hid.js';
import type { Effect, KeypadCommand, Reply, SoundName } from '../core/effects.js';
import type { CoreEvent, Intent, IntentSource, PromptRequest } from '../core/events.js';
import { keypadCommandsFor } from '../core/keypad-keys.js';
import type {
  Clerk,
  ClerkState,
  CoreConfig,
  KeypadFault,
  KeypadState,
  PlatformState,
  QrCode,
  RatingRecord,
} from '../core/model.js';
import { type CoreState, initialState, nextDeadline } from '../core/state.js';
import { inviteRequest, step } from '../core/step.js';
import { type ViewState, view } from '../core/view.js';
import { describeIoError } from '../store/open.js';
import type { ClockSkewSummary, PromptSummary, QueueCounts, RatingStore } from '../store/store.js';
import { logActivity } from './activity-log.js';
import { type Clock, newUuid, systemClock } from './clock.js';
import { FaultLog } from './fault-log.js';
import { type Logger, silentLogger } from './log.js';
import { PageRequests, type PageStatus } from './page-requests.js';
import type { PageSource } from './platform-page.js';

/** How far back diagnostics look for ratings flagged clock_skew. */
export const CLOCK_SKEW_WINDOW_MS = 7 * 86_400_000;

/** How often a failed store is tried again. */
export const STORE_PROBE_MS = 2_000;

export interface TerminalDeps {
  config: CoreConfig;
  /** Opens the store; called again after a failure until it works. */
  openStore: () => RatingStore;
  clock?: Clock;
  newId?: () => string;
  log?: Logger;
  /** Key codes of a keyboard-wedge keypad (driver hid), position 1 first; empty for other drivers. */
  hidKeys?: string[][];
  /** Makes the QR code of a prompt; null when no QR is configured. */
  qrFor?: (facts: QrFacts) => QrCode | null;
  /** The URL mode: where the platform's rating pages come from (with `platformPage` in the config). */
  pages?: PageSource | null;
}

export interface QrFacts {
  promptId: string;
  request: PromptRequest;
  clerkId: string | null;
  now: number;
}

export interface TerminalListeners {
  view?: (view: ViewState) => void;
  sound?: (name: SoundName) => void;
  keypad?: (command: KeypadCommand) => void;
  prompt?: (promptId: string) => void;
  forward?: () => void;
  /** The keypad's state or fault changed. */
  keypadState?: (state: KeypadState, fault: KeypadFault) => void;
  /** The platform link's state or queue changed. */
  platformState?: (state: PlatformState, pending: number) => void;
  /** Records became final and are committed: the moment they are queued for the platform. */
  final?: (records: RatingRecord[]) => void;
}

export type OpenPromptReply = Reply & { promptId?: string; expiresAt?: number; qr?: QrCode | null };

export interface Health {
  store: 'ok' | 'unavailable';
  storeMessage: string | null;
  keypad: KeypadState;
  keypadFault: KeypadFault;
  platform: PlatformState;
  queue: QueueCounts | null;
  /** A training terminal: its ratings are kept marked training and never forwarded. */
  training: boolean;
}

export class Terminal {
  private state: CoreState;
  private store: RatingStore | null = null;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly log: Logger;
  private readonly storeFaults: FaultLog;
  private readonly listeners: TerminalListeners[] = [];
  private timer: unknown = null;
  private probeTimer: unknown = null;
  private idleTimer: unknown = null;
  private stopped = false;
  private readonly pages: PageRequests;

  constructor(private readonly deps: TerminalDeps) {
    this.clock = deps.clock ?? systemClock;
    this.newId = deps.newId ?? newUuid;
    this.log = deps.log ?? silentLogger;
    this.storeFaults = new FaultLog(this.log, () => this.clock.now());
    this.state = initialState(deps.config);
    this.pages = new PageRequests(deps.pages ?? null, this.clock, this.log, (e) => this.dispatch(e));
  }

  /** Opens the store and picks up what a previous run left unfinished. */
  start(): void {
    const failure = this.tryOpenStore();
    if (failure === null) this.recover();
    else this.storeFailed(failure);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    if (this.probeTimer !== null) this.clock.clearTimeout(this.probeTimer);
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.timer = this.probeTimer = this.idleTimer = null;
    this.pages.stop();
    this.store?.close();
    this.store = null;
  }

  subscribe(listener: TerminalListeners): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  view(): ViewState {
    return view(this.state, this.clock.now());
  }

  /** ARM and LEDS for what is on screen now, for a keypad that starts listening late. */
  keypadCommands(): KeypadCommand[] {
    return keypadCommandsFor(this.state);
  }

  /** The terminal's clock, as the rules see it. */
  now(): number {
    return this.clock.now();
  }

  get config(): CoreConfig {
    return this.state.config;
  }

  get mode(): 'counter' | 'kiosk' {
    return this.state.config.mode;
  }

  /** The clerk signed in at this window, with their status, or null. */
  get clerk(): ClerkState | null {
    return this.state.clerk ? { ...this.state.clerk } : null;
  }

  health(): Health {
    return {
      store: this.state.storeOk && this.store ? 'ok' : 'unavailable',
      storeMessage: this.state.storeMessage,
      keypad: this.state.keypad.state,
      keypadFault: this.state.keypad.fault,
      platform: this.state.platform.state,
      queue: this.readStore((s) => s.counts()),
      training: this.state.config.training,
    };
  }

  /** Ratings given before their service's time in the last `CLOCK_SKEW_WINDOW_MS`; null when the store cannot be read. */
  clockSkew(): ClockSkewSummary | null {
    const since = this.clock.now() - CLOCK_SKEW_WINDOW_MS;
    return this.readStore((s) => s.clockSkew(since));
  }

  /** When the oldest record queued for the platform was committed; null when none is queued or the store cannot be read. */
  oldestQueuedAt(): number | null {
    return this.readStore((s) => s.oldestPendingAt());
  }

  /** How many records are kept marked training (never sent); null when the store cannot be read. */
  trainingRecords(): number | null {
    return this.readStore((s) => s.trainingRecords());
  }

  // --- operations (the local API and tests call these) ---

  signIn(clerk: Clerk): Reply {
    return this.dispatch({ type: 'clerk_sign_in', clerk });
  }

  signOut(): Reply {
    return this.dispatch({ type: 'clerk_sign_out' });
  }

  setClerkStatus(status: 'serving' | 'paused'): Reply {
    return this.dispatch({ type: 'clerk_status', status });
  }

  openPrompt(request: PromptRequest, options: { replace?: boolean } = {}): OpenPromptReply {
    const promptId = this.newId();
    const alreadyRated = this.readStore((s) => s.isTransactionRated(request.transactionId));
    if (alreadyRated === null) {
      return {
        ok: false,
        code: 'store_unavailable',
        message: 'The terminal cannot store ratings right now.',
      };
    }
    const qr = this.makeQr(promptId, request);
    const reply = this.dispatch({
      type: 'open_prompt',
      promptId,
      request,
      alreadyRated,
      replace: options.replace ?? false,
      qr,
    });
    if (!reply.ok) return reply;
    return { ok: true, promptId, expiresAt: this.state.session?.expiresAt as number, qr };
  }

  cancelPrompt(promptId: string): Reply {
    if (this.state.session?.id !== promptId && !this.readStore((s) => s.getPrompt(promptId))) {
      return { ok: false, code: 'not_found', message: 'No prompt has this id.' };
    }
    return this.dispatch({ type: 'cancel_prompt', promptId });
  }

  /**
   * The prompt's QR code once its page has come or the wait (`platform.urlTimeoutSeconds`,
   * from the prompt's opening) is over: what `POST /v1/prompts` answers with. Without
   * the URL mode, at once.
   */
  async settledQr(promptId: string): Promise<QrCode | null> {
    await this.pages.settled(promptId);
    return this.qrOf(promptId);
  }

  /** A new page source after a reload (null: the URL mode is off); the old one is closed. */
  setPageSource(pages: PageSource | null): void {
    this.pages.setSource(pages);
  }

  pageStatus(): PageStatus {
    return this.pages.status();
  }

  /** The QR code of the prompt on screen, while it is open (never after it is rated). */
  qrOf(promptId: string): QrCode | null {
    const s = this.state.session;
    return s && s.id === promptId && s.status === 'open' ? s.qr : null;
  }

  getPrompt(promptId: string): PromptSummary | null {
    return this.readStore((s) => s.getPrompt(promptId));
  }

  intent(intent: Intent, source: IntentSource = 'touch'): void {
    this.dispatch({ type: 'intent', intent, source });
  }

  /** A rating-key position (1–5) from any keypad driver. */
  key(position: number): void {
    this.dispatch({ type: 'key', position });
  }

  /** A key event from the screens: a keyboard-wedge keypad's press, if it is one of its keys. */
  hidKey(code: string): void {
    const position = hidPosition(this.deps.hidKeys ?? [], code);
    if (position !== null) this.key(position);
  }

  inviteKey(): void {
    const now = this.clock.now();
    const request = inviteRequest(this.state, now);
    const promptId = this.newId();
    const qr = request ? this.makeQr(promptId, request) : null;
    this.dispatch({ type: 'invite_key', promptId, qr }, now);
  }

  pauseKey(): void {
    this.dispatch({ type: 'pause_key' });
  }

  keypadStatus(state: KeypadState, fault: KeypadFault): void {
    const before = this.state.keypad;
    if (before.state === state && before.fault === fault) return;
    this.dispatch({ type: 'keypad_status', state, fault });
    this.emit((l) => l.keypadState?.(state, fault));
  }

  platformStatus(state: PlatformState, pending: number, rejected: number): void {
    const before = this.state.platform;
    if (before.state === state && before.pending === pending && before.rejected === rejected) return;
    this.dispatch({ type: 'platform_status', state, pending, rejected });
    this.emit((l) => l.platformState?.(state, pending));
  }

  reconfigure(config: CoreConfig): void {
    this.dispatch({ type: 'config', config });
  }

  // --- the loop ---

  /** Runs one event through the rules and its effects; returns the rules' reply. */
  dispatch(event: CoreEvent, now: number = this.clock.now()): Reply {
    if (this.stopped) return { ok: false, code: 'store_unavailable', message: 'The terminal is stopping.' };
    // Enough fresh ids for one record per department of whatever prompt is involved.
    const departments =
      event.type === 'open_prompt'
        ? event.request.departments.length
        : (this.state.session?.departments.length ?? 0);
    const ids = Array.from({ length: departments + 1 }, () => this.newId());
    const result = step(this.state, event, now, ids);

    const persist = result.effects.find((e) => e.type === 'persist');
    if (persist && persist.type === 'persist') {
      const failure = this.persist(persist.ops);
      if (failure !== null) {
        // The new state is dropped with its effects: nothing is shown for data that is not kept.
        this.storeFailed(failure);
        return {
          ok: false,
          code: 'store_unavailable',
          message: 'The terminal cannot store ratings right now.',
        };
      }
      logActivity(this.log, this.state, event, persist.ops);
    }
    this.state = result.state;
    for (const effect of result.effects) this.run(effect);
    if (persist && persist.type === 'persist') this.emitFinal(persist.ops);
    this.schedule();
    if (persist) this.scheduleIdleWork();
    return result.reply ?? { ok: true };
  }

  private persist(ops: Extract<Effect, { type: 'persist' }>['ops']): string | null {
    if (!this.store) return 'the store is not open';
    try {
      this.store.apply(ops);
      return null;
    } catch (err) {
      return describeIoError(err);
    }
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'persist':
        return;
      case 'render': {
        const v = this.view();
        this.emit((l) => l.view?.(v));
        return;
      }
      case 'sound':
        this.emit((l) => l.sound?.(effect.name));
        return;
      case 'keypad':
        this.emit((l) => l.keypad?.(effect.command));
        return;
      case 'notify_prompt':
        this.emit((l) => l.prompt?.(effect.promptId));
        return;
      case 'forward':
        this.emit((l) => l.forward?.());
        return;
      case 'fetch_page':
        this.pages.start(effect);
        return;
    }
  }

  /** Records committed final in this step, for listeners that report them (the fleet). */
  private emitFinal(ops: Extract<Effect, { type: 'persist' }>['ops']): void {
    if (!this.listeners.some((l) => l.final)) return;
    const records = ops.flatMap((op) => (op.op === 'records_put' ? op.records.filter((r) => r.final) : []));
    if (records.length > 0) this.emit((l) => l.final?.(records));
  }

  private emit(call: (l: TerminalListeners) => void): void {
    for (const l of [...this.listeners]) {
      try {
        call(l);
      } catch (err) {
        // A listener's fault (a closed socket, a driver) must not stop the rules.
        this.log.log('error', 'listener_failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private schedule(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const at = nextDeadline(this.state);
    if (at === null || this.stopped) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.dispatch({ type: 'tick' });
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  /** A prompt's QR code; a prompt is never refused because its code could not be made. */
  private makeQr(promptId: string, request: PromptRequest): QrCode | null {
    if (!this.deps.qrFor) return null;
    try {
      const clerkId = this.state.config.mode === 'counter' ? (this.state.clerk?.id ?? null) : null;
      return this.deps.qrFor({ promptId, request, clerkId, now: this.clock.now() });
    } catch (err) {
      this.log.log('warn', 'qr_failed', { error: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }

  /** Store upkeep, after the current step's effects (the thank-you) have gone out. */
  private scheduleIdleWork(): void {
    if (this.idleTimer !== null || this.stopped) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      this.readStore((s) => s.checkpointIfDue());
    }, 0);
  }

  private readStore<T>(read: (s: RatingStore) => T): T | null {
    if (!this.store) return null;
    try {
      return read(this.store);
    } catch (err) {
      this.storeFailed(describeIoError(err));
      return null;
    }
  }

  /** null when the store is open, else what is wrong. */
  private tryOpenStore(): string | null {
    try {
      this.store = this.deps.openStore();
      if (this.store.movedAside) {
        this.log.log('warn', 'store_moved_aside', {
          message: `the database was damaged; it was moved to ${this.store.movedAside} and a fresh one started`,
        });
      }
      const key = this.store.keyFault;
      if (key) {
        this.log.log('error', 'key_moved_aside', {
          message: `the key file was damaged; it was moved to ${key.movedAside} and a new key made. ${key.unreadableRecords} records sealed under it go to the platform without personal data. Restore it from backup (doctor says how)`,
        });
      }
      return null;
    } catch (err) {
      this.store = null;
      const message = err instanceof Error ? err.message : String(err);
      this.storeFaults.fault('error', 'store_open_failed', message);
      return message;
    }
  }

  private recover(): void {
    const facts = this.readStore((s) => s.recovery());
    if (!facts) return;
    const resumable = facts.unfinished.find((p) => p.status === 'open');
    const qr = resumable
      ? this.makeQr(resumable.id, {
          transactionId: resumable.transactionId,
          service: resumable.service,
          departments: resumable.departments,
          mode: resumable.mode,
          citizen: resumable.citizen,
        })
      : null;
    const shown = this.state.session?.id;
    this.dispatch({ type: 'recover', ...facts, qr });
    // Drafts are 差评 on their reasons screen (or 好评 on their optional indicators screen),
    // so a count of drafts finalised would tell how someone rated.
    const back = this.state.session?.id;
    if (back && back !== shown) this.log.log('info', 'prompt_resumed', { promptId: back });
  }

  private storeFailed(message: string): void {
    this.storeFaults.fault('error', 'store_failed', message);
    if (this.state.storeOk) {
      const result = step(this.state, { type: 'store_failed', message }, this.clock.now());
      this.state = result.state;
      for (const effect of result.effects) this.run(effect);
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== null || this.stopped) return;
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null;
      this.probeStore();
    }, STORE_PROBE_MS);
  }

  private probeStore(): void {
    if (this.stopped) return;
    const reopened = !this.store;
    if (reopened && this.tryOpenStore() !== null) {
      this.scheduleProbe();
      return;
    }
    try {
      this.store?.probe(this.clock.now());
    } catch (err) {
      this.storeFaults.fault('warn', 'store_still_failing', describeIoError(err));
      this.scheduleProbe();
      return;
    }
    this.storeFaults.recovered('store_recovered');
    this.dispatch({ type: 'store_recovered' });
    if (reopened) this.recover();
  }
}
