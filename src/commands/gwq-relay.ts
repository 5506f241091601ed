// haochaping-terminal gwq-relay --to HOST:PORT --token-file FILE [--port 1919]: the relay
// as a technician runs it on the clerk's PC (by hand, or as a service started at boot).
// Every failure is one plain line saying what to do; it runs until SIGINT/SIGTERM.

import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '../base/logger.js';
import { RELAY_HOST, type Relay, startRelay } from '../compat/gwq/relay.js';
import { heldBy } from '../compat/port-holder.js';
import { GWQ_DEFAULT_PORT } from '../config/compat-schema.js';

export const RELAY_USAGE = `  haochaping-terminal gwq-relay --to HOST:PORT --token-file FILE [--port 1919]
                                              on the clerk's PC: the GWQ SDK's pages connect to
                                              127.0.0.1:1919 and rate on the terminal at HOST:PORT
                                              (compat.gwq there); docs/gwq.md`;

type Out = (line: string) => void;

interface RelayArgs {
  to: string;
  tokenFile: string;
  port: number;
}

function parse(argv: string[]): RelayArgs | string {
  let to: string | null = null;
  let tokenFile: string | null = null;
  let port = GWQ_DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, null];
    const value = () => inline ?? argv[++i] ?? null;
    if (flag === '--to') to = value();
    else if (flag === '--token-file') tokenFile = value();
    else if (flag === '--port') {
      const v = value();
      if (v === null || !/^\d{1,5}$/.test(v) || Number(v) > 65535)
        return `--port needs a port number from 0 to 65535 (default ${GWQ_DEFAULT_PORT}), not "${v ?? ''}"`;
      port = Number(v);
    } else return `unknown argument "${a}"`;
  }
  if (to === null) return "--to HOST:PORT is required: the terminal's compat.gwq.host and compat.gwq.port";
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(to);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
    return `--to needs HOST:PORT, such as 10.1.2.50:1919 (found "${to}")`;
  if (tokenFile === null)
    return '--token-file FILE is required: a file holding compat.gwq.token of the terminal';
  return { to, tokenFile, port };
}

function readToken(file: string): string | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: `cannot read the token file ${file} (${code ?? 'error'}): check --token-file` };
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    return {
      problem: `the token file ${file} must hold the terminal's compat.gwq.token on one line, and nothing else`,
    };
  return token;
}

/** "warn gwq_relay_refused status=403": one line a technician reads in a service log. */
function lineLogger(err: Out): Logger {
  return {
    log(level, event, fields = {}) {
      const rest = Object.entries(fields).map(
        ([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
      );
      err([new Date().toISOString(), level, event, ...rest].join(' '));
    },
  };
}

export async function runGwqRelay(argv: string[], io: { out: Out; err: Out }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(`Usage:\n${RELAY_USAGE}`);
    return 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(`haochaping-terminal gwq-relay: ${args}\n\nUsage:\n${RELAY_USAGE}`);
    return 2;
  }
  const token = readToken(args.tokenFile);
  if (typeof token !== 'string') {
    io.err(`haochaping-terminal gwq-relay: ${token.problem}`);
    return 2;
  }
  try {
    // The token is a secret: a file anyone on the PC can read gives it to them.
    if (process.platform !== 'win32' && (statSync(args.tokenFile).mode & 0o077) !== 0)
      io.err(`warning: ${args.tokenFile} can be read by other users; chmod 600 it`);
  } catch {
    // Read a moment ago: a stat that fails now changes nothing.
  }
  let relay: Relay;
  try {
    relay = await startRelay({ to: args.to, token, port: args.port, log: lineLogger(io.err) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.err(
      code === 'EADDRINUSE'
        ? `Port ${args.port} on ${RELAY_HOST} is already in use${heldBy(args.port)}: is the evaluator's own driver (the GWQ service) or another relay still running? Stop it, or give --port.`
        : `Cannot listen on ${RELAY_HOST}:${args.port}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  }
  io.out(`GWQ relay: pages at ws://${RELAY_HOST}:${relay.port} rate on the terminal at ${args.to}`);
  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      await relay.close();
      io.out(`Stopped (${signal}).`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
