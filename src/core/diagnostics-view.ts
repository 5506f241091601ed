// What the technicians' diagnostics screen shows, as data (the renderer draws it).
// Nothing personal: records are named by id and transaction number only.

export interface DiagnosticsView {
  terminalId: string;
  /** Training mode (terminal.training), and how many records are kept marked training, never sent. */
  training: { on: boolean; records: number | null };
  versions: { app: string; node: string; electron: string | null };
  keypad: {
    driver: string;
    state: string;
    fault: string | null;
    path: string | null;
    portOpen: boolean;
    hello: { model: string; firmware: string; serialNo: string } | null;
  };
  store: {
    state: 'ok' | 'unavailable';
    message: string | null;
    path: string;
    /** A key file moved aside as damaged, waiting for a technician to restore it; else null. */
    keyFault: string | null;
  };
  platform: {
    state: string;
    pending: number;
    rejected: number;
    lastDeliveryAt: number | null;
    lastError: string | null;
    nextAttemptAt: number | null;
  };
  /**
   * Ratings of the last `days` given before their prompt's serviceTime (the business
   * system's clock ahead of ours): sent at serviceTime and flagged clock_skew.
   * `ratings` is null when the store cannot be read.
   */
  clockSkew: {
    days: number;
    ratings: number | null;
    last: { promptId: string; ratedAt: number; serviceTime: string } | null;
  };
  /**
   * The URL mode (platform.urlMode: qr): the province's rating pages received since
   * start (`late`: after POST /v1/prompts had answered with the fallback QR) and the
   * failures, the last one with its reason. null when the URL mode is off.
   */
  platformPage: {
    pages: number;
    late: number;
    failures: number;
    lastPageAt: number | null;
    lastFailure: { at: number; message: string } | null;
  } | null;
  /**
   * Sounds the screen's browser refused to play since the terminal started (the
   * kiosk's Chromium without --autoplay-policy=no-user-gesture-required is silent).
   */
  sound: { refused: number; last: { name: string; reason: string; at: number } | null };
  /**
   * Records set aside: refused by the platform (its code), or unusable here
   * (`unreadable_record`, `unopenable_personal_data`). `message` is the platform's words, or
   * the terminal's, with that record's personal data blanked in every spelling.
   */
  rejected: { id: string; transactionId: string; ratedAt: number; code: string; message: string }[];
  /** The configuration with every secret shown as ***. */
  config: unknown;
  /** What the last action did, e.g. how many records were queued again. */
  notice: string | null;
}

export type DiagnosticsAnswer =
  | { type: 'diagnostics'; view: DiagnosticsView }
  | { type: 'diagnostics_refused'; reason: 'wrong_pin' | 'locked' | 'disabled'; retryInSeconds: number };
