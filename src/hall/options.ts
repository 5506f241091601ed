// The hall console's options: flags, and/or the `fleet` section (and terminal.areaCode,
// reasons) of a terminal's configuration file. Flags win over the file. Every problem is
// one line naming the flag or key; a secret's value is never repeated.

import { dirname, isAbsolute, resolve } from 'node:path';
import { isBindableHost, isLoopbackHost } from '../base/addresses.js';
import { CA_FILE_MAX_BYTES, readBoundedFileSync } from '../base/read-bounded-file.js';
import { readYamlFile } from '../config/read-yaml-file.js';
import { defaultDataFolder } from './data-folder.js';

export const DEFAULT_HALL_PORT = 7490;
export const PASSWORD_ENV = 'HAOCHAPING_HALL_PASSWORD';
export const TOKEN_ENV = 'HAOCHAPING_HALL_TOKEN';

export interface HallOptions {
  broker: string;
  username: string | null;
  password: string | null;
  /** PEM text of a private CA (read at start, so a bad path fails before connecting). */
  ca: string | null;
  caFile: string | null;
  prefix: string;
  hallId: string;
  host: string;
  port: number;
  token: string | null;
  /** A reasons catalogue file (from the configuration's `reasons:`), or null for the built-in one. */
  reasons: string | null;
  /** The console's data folder: its database and its broker session's client id. */
  dataDir: string;
}

export type OptionsResult =
  | { ok: true; options: HallOptions }
  | { ok: false; help: true }
  | { ok: false; help: false; errors: string[] };

interface Flags {
  config?: string;
  broker?: string;
  username?: string;
  ca?: string;
  prefix?: string;
  hall?: string;
  host?: string;
  port?: string;
  token?: string;
  data?: string;
}

const VALUE_FLAGS: Record<string, keyof Flags> = {
  '--config': 'config',
  '-c': 'config',
  '--broker': 'broker',
  '--username': 'username',
  '--ca': 'ca',
  '--prefix': 'prefix',
  '--hall': 'hall',
  '--host': 'host',
  '--port': 'port',
  '--token': 'token',
  '--data': 'data',
};

/** A topic level as the contract allows it: no "/", "+", "#" or space (nor any other blank). */
function isTopicLevel(text: string): boolean {
  return /^[^/+#\s]{1,64}$/u.test(text);
}

function parseFlags(argv: string[]): { flags: Flags; help: boolean; errors: string[] } {
  const flags: Flags = {};
  const errors: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[name];
    if (!key) {
      errors.push(`unknown argument "${arg}" (see haochaping-terminal hall --help)`);
      continue;
    }
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') errors.push(`${name} needs a value`);
    else flags[key] = value;
  }
  return { flags, help, errors };
}

interface FileValues {
  url?: unknown;
  username?: unknown;
  password?: unknown;
  ca?: unknown;
  topicPrefix?: unknown;
  hallId?: unknown;
  areaCode?: unknown;
  reasons?: unknown;
}

function readConfigFile(path: string, errors: string[]): FileValues | null {
  const read = readYamlFile(path, path, 'check the path given to --config');
  if (!read.ok) {
    errors.push(...read.errors);
    return null;
  }
  const doc = read.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    errors.push(`${path}: the file holds no keys; the console needs its fleet: section`);
    return null;
  }
  const record = doc as Record<string, unknown>;
  const fleet = record.fleet;
  if (fleet === undefined || fleet === null) {
    errors.push(`${path}: it has no fleet: section (fleet.url is the broker the console reads)`);
    return null;
  }
  if (typeof fleet !== 'object' || Array.isArray(fleet)) {
    errors.push(`${path}: fleet must be a section of keys such as url: mqtt://127.0.0.1:1883`);
    return null;
  }
  const f = fleet as Record<string, unknown>;
  const terminal = record.terminal as Record<string, unknown> | undefined;
  // Relative paths in the file are relative to the file, as for the terminal.
  const base = dirname(resolve(path));
  const ca = typeof f.ca === 'string' && !isAbsolute(f.ca) ? resolve(base, f.ca) : f.ca;
  const reasons =
    typeof record.reasons === 'string' && !isAbsolute(record.reasons)
      ? resolve(base, record.reasons)
      : record.reasons;
  return {
    url: f.url,
    username: f.username,
    password: f.password,
    ca,
    topicPrefix: f.topicPrefix,
    hallId: f.hallId,
    areaCode: typeof terminal === 'object' && terminal !== null ? terminal.areaCode : undefined,
    reasons,
  };
}

function textOrNull(value: unknown, key: string, errors: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value !== '') return value;
  errors.push(`fleet.${key}: expected a text or null`);
  return null;
}

function brokerProblem(url: string, name: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${name}: expected a broker address such as mqtt://192.168.1.5:1883 or mqtts://broker.example:8883`;
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    return `${name}: the broker address must start with mqtt:// or mqtts://`;
  }
  // A password in the address would end up in logs and process lists.
  if (parsed.username !== '' || parsed.password !== '') {
    return `${name}: put no user or password in the address; use fleet.username / fleet.password (or --username and ${PASSWORD_ENV})`;
  }
  if (parsed.hostname === '') return `${name}: the broker address has no host`;
  return null;
}

export function parseHallOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): OptionsResult {
  const { flags, help, errors } = parseFlags(argv);
  if (help) return { ok: false, help: true };
  const file = flags.config ? readConfigFile(flags.config, errors) : null;
  if (errors.length > 0) return { ok: false, help: false, errors };

  const broker = flags.broker ?? textOrNull(file?.url, 'url', errors);
  if (broker === null) {
    errors.push('no broker: give --broker mqtt://HOST:1883, or --config FILE with fleet.url');
  } else {
    const problem = brokerProblem(broker, flags.broker ? '--broker' : 'fleet.url');
    if (problem) errors.push(problem);
  }
  const username = flags.username ?? textOrNull(file?.username, 'username', errors);
  const password = env[PASSWORD_ENV] || textOrNull(file?.password, 'password', errors);
  const caFile = flags.ca ?? textOrNull(file?.ca, 'ca', errors);
  let ca: string | null = null;
  if (caFile !== null) {
    try {
      ca = readBoundedFileSync(caFile, { maxBytes: CA_FILE_MAX_BYTES }).bytes.toString('utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
        errors.push(`${flags.ca ? '--ca' : 'fleet.ca'}: ${caFile} is not a PEM certificate file`);
      }
    } catch {
      errors.push(`${flags.ca ? '--ca' : 'fleet.ca'}: cannot read ${caFile}; check the path`);
    }
  }
  const prefix = flags.prefix ?? textOrNull(file?.topicPrefix, 'topicPrefix', errors) ?? 'hcp';
  if (!/^[^+#\s]{1,64}$/u.test(prefix) || prefix.startsWith('/') || prefix.endsWith('/')) {
    errors.push(`${flags.prefix ? '--prefix' : 'fleet.topicPrefix'}: expected a topic prefix such as hcp`);
  }
  const fileHall = textOrNull(file?.hallId, 'hallId', errors);
  const area = typeof file?.areaCode === 'string' ? file.areaCode : null;
  const hallId = flags.hall ?? fileHall ?? area;
  if (hallId === null) {
    errors.push(
      'no hall: give --hall ID (the fleet.hallId of the terminals, by default their terminal.areaCode)',
    );
  } else if (!isTopicLevel(hallId)) {
    errors.push(
      `${flags.hall ? '--hall' : fileHall ? 'fleet.hallId' : 'terminal.areaCode'}: a hall id cannot contain "/", "+", "#" or spaces`,
    );
  }
  const host = flags.host ?? '127.0.0.1';
  if (!isBindableHost(host))
    errors.push(`--host: expected an address to listen on, such as 127.0.0.1 or 0.0.0.0`);
  let port = DEFAULT_HALL_PORT;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    // 0: any free port, which the start line then names (tests, a second console for a while).
    if (!/^\d{1,5}$/.test(flags.port) || port > 65535) {
      errors.push('--port: expected a port number from 1 to 65535, such as 7490 (or 0 for any free one)');
    }
  }
  const token = flags.token ?? (env[TOKEN_ENV] || null);
  if (!isLoopbackHost(host) && token === null) {
    errors.push(
      `--token: it is required because --host ${host} is not a loopback address ` +
        `(set a long random token with --token or ${TOKEN_ENV}; the page is then opened as http://HOST:PORT/?token=…, or use --host 127.0.0.1)`,
    );
  }
  const reasons = typeof file?.reasons === 'string' ? file.reasons : null;
  if (errors.length > 0 || broker === null || hallId === null) return { ok: false, help: false, errors };
  const dataDir = resolve(flags.data ?? defaultDataFolder(hallId));
  return {
    ok: true,
    options: { broker, username, password, ca, caFile, prefix, hallId, host, port, token, reasons, dataDir },
  };
}
