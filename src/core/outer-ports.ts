// The two things every outer layer (engine, drivers, forwarder) is handed rather than
// reaching for itself: time and a log. Types only; the core itself uses neither.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Fields never carry the citizen's name, id number or phone. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}
