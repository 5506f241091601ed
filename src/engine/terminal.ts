// The Terminal: one engine that wires the rules to the store, the clock and whoever
// listens (screens, keypad driver, business system). It runs the core's effects in
// order and stops at a failed persist: persist, then thank.

import { hidPosition } from '../../drivers/keypad/hid.js';
import { type Clock, systemClock } from '../base/clock.js';
import { newUuid } from '../base/ids.js';
import { type Logger, silentLogger } from '../base/logger.js';
import { type ActivityLine, ratingLines } from '../core/activity.js';
import type { Effect, KeypadCommand, Reply } from '../core/effects.js';
import type { CoreEvent, Intent, IntentSource, PromptRequest } from '../core/events.js';
import type { HourRow } from '../core/hourly-counts.js';
import { keypadCommandsFor } from '../core/keypad-keys.js';
import type {
  Clerk,
  ClerkState,
  CoreConfig,
  KeypadFault,
  KeypadState,
  PlatformState,
  QrCode,
} from '../core/model.js';
import { inviteRequest } from '../core/prompt/open.js';
import { type CoreState, initialState, nextDeadline } from '../core/state.js';
import { step } from '../core/step.js';
import type { ClockSkewSummary, PromptSummary } from '../core/summaries.js';
import { type ViewState, view } from '../core/view.js';
import { describeIoError } from '../store/open.js';
import type { RatingStore } from '../store/store.js';
import type { PageSource } from '../sync/page-source.js';
import { CompactionSchedule } from './compaction-schedule.js';
import { PageRequests, type PageStatus } from './page-requests.js';
import { StoreLink } from './store-link.js';
import type { Health, OpenPromptReply, TerminalDeps, TerminalListeners } from './terminal-ports.js';

/** How far back diagnostics look for ratings flagged clock_skew. */
export const CLOCK_SKEW_WINDOW_MS = 7 * 86_400_000;

export class Terminal {
  private state: CoreState;
  private readonly storeLink: StoreLink;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly log: Logger;
  private readonly listeners: TerminalListeners[] = [];
  private timer: unknown = null;
  private idleTimer: unknown = null;
  private stopped = false;
  private readonly pages: PageRequests;
  private readonly compaction: CompactionSchedule;

  constructor(private readonly deps: TerminalDeps) {
    this.clock = deps.clock ?? systemClock;
    this.newId = deps.newId ?? newUuid;
    this.log = deps.log ?? silentLogger;
    this.storeLink = new StoreLink(deps.openStore, this.clock, this.log, {
      failed: (message) => this.storeFailed(message),
      recovered: (reopened) => {
        this.dispatch({ type: 'store_recovered' });
        if (reopened) this.recover();
      },
    });
    this.state = initialState(deps.config);
    this.pages = new PageRequests(deps.pages ?? null, this.clock, this.log, (e) => this.dispatch(e));
    this.compaction = new CompactionSchedule(
      this.clock,
      this.log,
      () => (this.state.storeOk ? this.storeLink.store : null),
      () => this.isIdle(),
    );
  }

  /** Nothing on screen a citizen is using: no prompt, no thank-you. */
  private isIdle(): boolean {
    const s = this.state;
    return s.session === null && (s.thanksUntil === null || s.thanksUntil <= this.clock.now());
  }

  /** Opens the store and picks up what a previous run left unfinished. */
  start(): void {
    const failure = this.storeLink.open();
    // Before serving: erased personal data left from the last run is compacted away.
    this.compaction.start();
    if (failure === null) this.recover();
    else this.storeLink.failed(failure);
  }

  stop(): void {
    this.stopped = true;
    this.compaction.stop();
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.timer = this.idleTimer = null;
    this.pages.stop();
    this.storeLink.close();
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
      store: this.state.storeOk && this.storeLink.store ? 'ok' : 'unavailable',
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

  /**
   * The hourly counts of what became final (or ended unrated) in [from, to); null when
   * the store cannot be read. For the fleet reporter's `stats` messages.
   */
  hourlyCounts(from: number, to: number): HourRow[] | null {
    return this.readStore((s) => s.stats().hourly(from, to, this.state.config.terminalId));
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

  /**
   * Opens a rating prompt. `request.source`: who asks (default `api`); a `gwq` prompt gets
   * no QR code and no URL-mode page. A request that repeats the prompt on screen answers
   * with that prompt (`retried`); a `prompt_open` refusal names it (`promptId`).
   */
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
    const qr = request.source === 'gwq' ? null : this.makeQr(promptId, request);
    const reply = this.dispatch({
      type: 'open_prompt',
      promptId,
      request,
      alreadyRated,
      replace: options.replace ?? false,
      qr,
    });
    if (!reply.ok) return reply;
    const session = this.state.session;
    if (reply.retried && session) {
      return { ok: true, promptId: session.id, expiresAt: session.expiresAt, qr: session.qr, retried: true };
    }
    return { ok: true, promptId, expiresAt: session?.expiresAt as number, qr };
  }

  /** The next number of the store's counter `key` (GWQ-{terminal}-{n}); null when the store cannot be written. */
  takeSequence(key: string): number | null {
    return this.readStore((s) => s.nextSequence(key));
  }

  /** The prompt that is not final yet (the one on screen), or null. */
  currentPromptId(): string | null {
    return this.state.session?.id ?? null;
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
      const failure = this.persist(persist.ops, now);
      if (failure !== null) {
        // The new state is dropped with its effects: nothing is shown for data that is not kept.
        this.storeLink.failed(failure);
        return {
          ok: false,
          code: 'store_unavailable',
          message: 'The terminal cannot store ratings right now.',
        };
      }
    }
    this.state = result.state;
    for (const effect of result.effects) this.run(effect);
    this.schedule();
    if (persist) this.scheduleIdleWork();
    return result.reply ?? { ok: true };
  }

  private persist(ops: Extract<Effect, { type: 'persist' }>['ops'], now: number): string | null {
    const store = this.storeLink.store;
    if (!store) return 'the store is not open';
    try {
      store.apply(ops, now);
      return null;
    } catch (err) {
      return describeIoError(err);
    }
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'persist':
        return;
      case 'log':
        this.logLine(effect);
        return;
      case 'rated':
        for (const line of ratingLines(effect.records)) this.logLine(line);
        return;
      case 'final':
        this.emit((l) => l.final?.(effect.records));
        return;
      case 'render': {
        const v = this.view();
        this.emit((l) => l.view?.(v));
        return;
      }
      case 'sound':
        this.emit((l) => l.sound?.(effect.clips));
        return;
      case 'keypad':
        this.emit((l) => l.keypad?.(effect.command));
        return;
      case 'notify_prompt': {
        const { type: _, ...change } = effect;
        this.emit((l) => l.prompt?.(effect.promptId, change));
        return;
      }
      case 'prompt_final': {
        const { type: _, ...final } = effect;
        this.emit((l) => l.promptFinal?.(final));
        return;
      }
      case 'forward':
        this.emit((l) => l.forward?.());
        return;
      case 'fetch_page':
        this.pages.start(effect);
        return;
    }
  }

  /** The hall's day for the technician (core/activity.ts); a log line is never worth a failed step. */
  private logLine(line: ActivityLine): void {
    try {
      this.log.log(line.level, line.event, line.fields);
    } catch {
      // The step's data is on disk; only its line is lost.
    }
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
      this.compaction.idleMoment();
    }, 0);
  }

  private readStore<T>(read: (s: RatingStore) => T): T | null {
    return this.storeLink.read(read);
  }

  private recover(): void {
    const facts = this.storeLink.recovery();
    if (!facts) return;
    const resumable = facts.unfinished.find((p) => p.status === 'open');
    const qr =
      resumable && resumable.source !== 'gwq'
        ? this.makeQr(resumable.id, {
            transactionId: resumable.transactionId,
            service: resumable.service,
            departments: resumable.departments,
            mode: resumable.mode,
            citizen: resumable.citizen,
          })
        : null;
    this.dispatch({ type: 'recover', ...facts, qr });
  }

  /** The rules hear of a store failure (StoreLink has logged it and will probe). */
  private storeFailed(message: string): void {
    if (this.state.storeOk) {
      const result = step(this.state, { type: 'store_failed', message }, this.clock.now());
      this.state = result.state;
      for (const effect of result.effects) this.run(effect);
    }
  }
}
