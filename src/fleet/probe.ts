// One connection to the broker, for doctor: does it answer, and does it take this
// terminal's credentials? A separate client id, so the running terminal's own
// connection is not taken over (which would fire its will and show it offline).

import { connect } from 'mqtt';
import { CA_FILE_MAX_BYTES, RefusedFileError, readBoundedFileSync } from '../base/read-bounded-file.js';
import type { FleetSection } from '../config/terminal-config.js';
import { clientOptions } from './link.js';
import { fleetTopics } from './messages.js';

export type ProbeResult =
  | { result: 'ok' }
  | { result: 'refused'; detail: string }
  | { result: 'unreachable'; detail: string }
  | { result: 'ca_unreadable'; detail: string };

export async function probeBroker(
  fleet: FleetSection,
  terminalId: string,
  timeoutMs = 8_000,
): Promise<ProbeResult> {
  let ca: Buffer | null = null;
  if (fleet.ca !== null) {
    try {
      ca = readBoundedFileSync(fleet.ca, { maxBytes: CA_FILE_MAX_BYTES }).bytes;
    } catch (err) {
      const detail = err instanceof RefusedFileError ? err.reason : (err as NodeJS.ErrnoException).code;
      return { result: 'ca_unreadable', detail: detail ?? String(err) };
    }
  }
  const options = clientOptions({
    url: fleet.url,
    username: fleet.username,
    password: fleet.password,
    ca,
    clientId: `hcp-${terminalId}-doctor-${process.pid}`,
    keepaliveSeconds: fleet.keepaliveSeconds,
    topics: fleetTopics(fleet.topicPrefix, fleet.hallId, terminalId),
  });
  // doctor's look must not leave a will or a retained "offline" behind.
  delete options.will;
  options.connectTimeout = timeoutMs;
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const client = connect(fleet.url, options);
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(true);
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ result: 'unreachable', detail: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs + 500,
    );
    client.on('connect', () => done({ result: 'ok' }));
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      // CONNACK refusals: 4 bad user name or password, 5 not authorised (MQTT 3.1.1).
      if (code === 4 || code === 5) done({ result: 'refused', detail: err.message });
      else done({ result: 'unreachable', detail: err.message });
    });
    client.on('close', () =>
      done({ result: 'unreachable', detail: 'the connection closed before the broker answered' }),
    );
  });
}
