// The URL mode inside the engine: runs the core's `fetch_page` effects through the page
// source, hands each page back to the rules as a `platform_page` event, bounds how long
// POST /v1/prompts waits for it, and keeps the counts diagnostics show.

import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/logger.js';
import type { Effect } from '../core/effects.js';
import type { CoreEvent } from '../core/events.js';
import type { QrCode } from '../core/model.js';
import { qrSvg } from '../qr/render.js';
import type { PageResult, PageSource } from '../sync/page-source.js';

/** How the URL mode has fared since start, for diagnostics. */
export interface PageStatus {
  /** Pages received; `late` of them after POST /v1/prompts had answered without one. */
  pages: number;
  late: number;
  failures: number;
  lastPageAt: number | null;
  lastFailure: { at: number; message: string } | null;
}

interface PageWait {
  settled: Promise<void>;
  release: () => void;
  timer: unknown;
  waited: boolean;
}

export class PageRequests {
  /** The prompts whose page is being asked for, by prompt id. */
  private readonly waits = new Map<string, PageWait>();
  private readonly counts: PageStatus = {
    pages: 0,
    late: 0,
    failures: 0,
    lastPageAt: null,
    lastFailure: null,
  };
  private stopped = false;

  constructor(
    private source: PageSource | null,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly dispatch: (event: CoreEvent) => void,
  ) {}

  /** A new source after a reload (null: the URL mode is off); the old one is closed. */
  setSource(source: PageSource | null): void {
    if (source === this.source) return;
    this.source?.close();
    this.source = source;
  }

  /** Resolves once the prompt's page came, failed, or the wait from its opening is over. */
  async settled(promptId: string): Promise<void> {
    await this.waits.get(promptId)?.settled;
  }

  status(): PageStatus {
    const c = this.counts;
    return { ...c, lastFailure: c.lastFailure ? { ...c.lastFailure } : null };
  }

  stop(): void {
    this.stopped = true;
    for (const wait of this.waits.values()) {
      this.clock.clearTimeout(wait.timer);
      wait.release();
    }
    this.waits.clear();
    this.source?.close();
  }

  /**
   * Asks for the prompt's page; the prompt is on screen already. The wait only bounds
   * the HTTP answer of POST /v1/prompts: a page that comes later still replaces the QR
   * while the prompt is open.
   */
  start(effect: Extract<Effect, { type: 'fetch_page' }>): void {
    const source = this.source;
    if (!source || this.stopped) return;
    const { promptId } = effect;
    let release = () => {};
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const wait: PageWait = { settled, release, timer: null, waited: false };
    wait.timer = this.clock.setTimeout(() => {
      wait.waited = true;
      release();
    }, source.waitMs);
    this.waits.set(promptId, wait);
    const started = this.clock.now();
    void source
      .fetch({ transactionId: effect.transactionId, service: effect.service, facts: effect.facts })
      .then(
        (result) => this.came(promptId, wait, started, result),
        (err: unknown) =>
          this.came(promptId, wait, started, {
            ok: false,
            reason: err instanceof Error ? err.message : String(err),
          }),
      );
  }

  private came(promptId: string, wait: PageWait, started: number, result: PageResult): void {
    this.clock.clearTimeout(wait.timer);
    if (this.waits.get(promptId) === wait) this.waits.delete(promptId);
    if (this.stopped) {
      wait.release();
      return;
    }
    const ms = this.clock.now() - started;
    let qr: QrCode | null = null;
    if (result.ok) {
      try {
        qr = { url: result.url, svg: qrSvg(result.url), page: true };
      } catch (err) {
        this.failed(promptId, `the page's address cannot be drawn as a QR code: ${String(err)}`, ms);
      }
    } else {
      this.failed(promptId, result.reason, ms);
    }
    if (qr) {
      const c = this.counts;
      c.pages += 1;
      if (wait.waited) c.late += 1;
      c.lastPageAt = this.clock.now();
      this.log.log('info', 'platform_page', { promptId, ms, late: wait.waited });
      this.dispatch({ type: 'platform_page', promptId, qr });
    }
    // After the event: an answer still waiting carries the page.
    wait.release();
  }

  private failed(promptId: string, message: string, ms: number): void {
    const c = this.counts;
    c.failures += 1;
    c.lastFailure = { at: this.clock.now(), message };
    this.log.log('warn', 'platform_page_failed', { promptId, ms, message });
  }
}
