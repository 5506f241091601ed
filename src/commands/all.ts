// haochaping-terminal serve | doctor | hall | report | gwq-relay | --help | --version.
// Every failure a technician can meet is one plain line with what to do; never a stack trace.

import { packageVersion } from '../base/package-root.js';
import type { LoadIo } from '../config/load-all.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { runHall } from '../hall/run-hall.js';
import { runReport } from '../report/run-report.js';
import { runGwqRelay } from './gwq-relay.js';
import { serve } from './serve.js';
import { COMMAND_USAGE, USAGE } from './usage.js';

const stdio: LoadIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

interface ParsedArgs {
  command: string | null;
  config: string | null;
  /** doctor --keys */
  keys: boolean;
  /** --help anywhere: print the usage and exit 0, whatever else is given. */
  help: boolean;
  problem: string | null;
}

function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: null, config: null, keys: false, help: false, problem: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--config' || a === '-c') {
      const v = argv[++i];
      if (!v) parsed.problem = '--config needs a file name';
      else parsed.config = v;
    } else if (a.startsWith('--config=')) {
      parsed.config = a.slice('--config='.length);
    } else if (a === '--keys') {
      parsed.keys = true;
    } else if (a === '--help' || a === '-h') {
      parsed.help = true;
    } else if (a === '--version' || a === '-v') {
      parsed.command ??= a.replace(/^-+/, '').replace(/^h$/, 'help').replace(/^v$/, 'version');
    } else if (!a.startsWith('-') && parsed.command === null) {
      parsed.command = a;
    } else {
      parsed.problem = `unknown argument "${a}"`;
    }
  }
  return parsed;
}

export async function main(argv: string[], io: LoadIo = stdio): Promise<number> {
  // These commands have flags of their own (src/hall/options.ts, src/report/report-options.ts).
  if (argv[0] === 'hall') return runHall(argv.slice(1), io);
  if (argv[0] === 'gwq-relay') return runGwqRelay(argv.slice(1), io);
  if (argv[0] === 'report') return runReport(argv.slice(1), io);
  const args = parseArgs(argv);
  if (args.help && (args.command === null || Object.hasOwn(COMMAND_USAGE, args.command))) {
    io.out(args.command === null ? USAGE : (COMMAND_USAGE[args.command] as string));
    return 0;
  }
  if (args.problem) {
    io.err(`haochaping-terminal: ${args.problem}\n\n${USAGE}`);
    return 2;
  }
  if (args.keys && args.command !== 'doctor') {
    io.err(`haochaping-terminal: --keys goes with doctor\n\n${USAGE}`);
    return 2;
  }
  switch (args.command) {
    case 'serve':
      return serve(args.config, io);
    case 'doctor':
      return runDoctor({ configFile: args.config, keys: args.keys }, io);
    case 'version':
      io.out(packageVersion());
      return 0;
    case 'help':
    case null:
      io.out(USAGE);
      return args.command === null ? 2 : 0;
    default:
      io.err(`haochaping-terminal: unknown command "${args.command}"\n\n${USAGE}`);
      return 2;
  }
}
