// The log every outer layer (engine, drivers, forwarder, fleet, API, shells) is handed
// rather than reaching for itself. The core itself never logs.

export type LogLevel = 'info' | 'warn' | 'error';

/** Fields never carry the citizen's name, id number or phone. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** For callers given no log: lines go nowhere. */
export const silentLogger: Logger = { log() {} };
