// haochaping-terminal hall: the hall's console. One process holds the MQTT session,
// keeps what it reads in its data folder's database, and serves the pages.

import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { loadReasonsCatalogue } from '../config/reasons-catalogue.js';
import { StoreUnavailableError } from '../store/open.js';
import { Board, MAX_ALERTS } from './board.js';
import { FolderInUseError, type FolderLock, lockDataFolder } from './data-folder.js';
import { ConsoleDb } from './db/console-db.js';
import { startFiguresThread } from './figures-thread.js';
import { startKeeper } from './keeper.js';
import { DEFAULT_HALL_PORT, PASSWORD_ENV, parseHallOptions, TOKEN_ENV } from './options.js';
import { startHallServer } from './server.js';
import { type BrokerStatus, startSubscriber } from './subscriber.js';

export const HALL_USAGE = `Usage:
  haochaping-terminal hall --broker URL --hall ID [--port ${DEFAULT_HALL_PORT}] [--host 127.0.0.1] [--token T]
  haochaping-terminal hall --config FILE [flags above to override the file]

The hall's console: every terminal of the hall (state, keypad, platform, last seen;
offline ones marked at once), a live list of 差评 with a sound, and the hall's figures
from the terminals' hourly counts (今日, 统计, 差评, 月报; CSV and XLSX). It reads the
terminals' MQTT broker and keeps what it read in its data folder.

  --broker URL     mqtt://HOST:1883 or mqtts://HOST:8883 (no user or password in it)
  --config FILE    a terminal's configuration file: its fleet section gives url, username,
                   password, ca, topicPrefix and hallId (default terminal.areaCode)
  --hall ID        the hall id in the topics, {prefix}/{hall}/{terminal}/…
  --prefix P       the topic prefix (default hcp)
  --username U     the broker user; the password comes from fleet.password or ${PASSWORD_ENV}
  --ca FILE        a PEM file of a private CA, for mqtts://
  --host H         the address to listen on (default 127.0.0.1)
  --port N         the port to listen on (default ${DEFAULT_HALL_PORT}; 0: any free one)
  --data DIR       the console's data folder: its database and its broker session
                   (default: the user-data folder's hall/ID); one console per folder
  --token T        required off loopback (or ${TOKEN_ENV}); the page is then opened as
                   http://HOST:PORT/?token=T

Exit 0 on SIGINT/SIGTERM; 2 when the options are wrong; 1 when the port or the data
folder cannot be used.`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

function brokerLine(status: BrokerStatus): string {
  if (status.state !== 'disconnected') return 'Broker: connected, subscribed.';
  return `Broker: not connected${status.problem ? ` (${status.problem})` : ''}; retrying every 5 s.`;
}

export async function runHall(argv: string[], io: Io): Promise<number> {
  const parsed = parseHallOptions(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      io.out(HALL_USAGE);
      return 0;
    }
    for (const line of parsed.errors) io.err(`haochaping-terminal hall: ${line}`);
    io.err('The console did not start: fix the options above (haochaping-terminal hall --help).');
    return 2;
  }
  const options = parsed.options;
  const reasons = loadReasonsCatalogue(options.reasons);
  if (!reasons.ok) {
    for (const line of reasons.errors) io.err(line);
    io.err('The console did not start: fix the reasons catalogue above.');
    return 2;
  }
  const builtIn = options.reasons === null ? reasons : loadReasonsCatalogue(null);
  const labels = new Map<string, string>();
  const names = new Map<string, string>();
  for (const catalogue of [builtIn, reasons]) {
    if (!catalogue.ok) continue;
    // The hall's own catalogue last, so its words win; a code of neither stays a code.
    for (const level of [1, 2] as const) {
      for (const r of catalogue.catalogue.levels[level]) {
        labels.set(`${level}:${r.code}`, r.label);
        names.set(r.code, r.label);
      }
    }
  }
  const reasonCodes = [...names.keys()];
  const board = new Board((level, code) => labels.get(`${level}:${code}`) ?? names.get(code) ?? code);

  let lock: FolderLock;
  let db: ConsoleDb;
  try {
    lock = await lockDataFolder(options.dataDir);
  } catch (err) {
    const why =
      err instanceof FolderInUseError
        ? err.message
        : `the data folder ${options.dataDir} cannot be used (${(err as Error).message})`;
    io.err(`haochaping-terminal hall: ${why}`);
    return 1;
  }
  try {
    db = ConsoleDb.open(lock.folder);
  } catch (err) {
    await lock.release();
    const why = err instanceof StoreUnavailableError ? err.message : String(err);
    io.err(`haochaping-terminal hall: ${why}`);
    return 1;
  }
  const keptHall = db.setting('hall');
  const thisHall = `${options.prefix}/${options.hallId}`;
  if (keptHall !== null && keptHall !== thisHall) {
    io.err(
      `haochaping-terminal hall: the data folder ${lock.folder} keeps the figures of ${keptHall}, not ${thisHall}; give this hall its own folder with --data DIR`,
    );
    db.close();
    await lock.release();
    return 2;
  }
  if (keptHall === null) db.putSetting('hall', thisHall);
  if (db.movedAside) {
    io.err(
      `haochaping-terminal hall: the database was damaged; it was moved to ${db.movedAside} and a fresh one started`,
    );
  }
  const clientId = db.clientId(options.hallId);
  board.seed(db.recentAlerts(MAX_ALERTS));
  const figures = startFiguresThread({
    dbPath: db.path,
    hallId: options.hallId,
    reasonNames: [...names],
    reasonCodes,
  });

  let server: Awaited<ReturnType<typeof startHallServer>>;
  try {
    server = await startHallServer({
      board,
      hallId: options.hallId,
      host: options.host,
      port: options.port,
      token: options.token,
      webRoot: join(PACKAGE_ROOT, 'dist', 'web', 'hall'),
      figures,
      kept: () => ({ daysStored: keeper.counts.stored, daysUnchanged: keeper.counts.unchanged }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use (another console?); choose another with --port'
        : `cannot be used (${code ?? String(err)}); check --host and --port`;
    io.err(`haochaping-terminal hall: ${options.host}:${options.port} ${why}`);
    await figures.close();
    db.close();
    await lock.release();
    return 1;
  }
  lock.describe(server.url);
  // The password and token are never printed; the address shows where the token goes.
  io.out(`Hall console for hall ${options.hallId} (topics ${options.prefix}/${options.hallId}/+/…)`);
  io.out(
    `Broker: ${options.broker}${options.username ? ` as ${options.username}` : ''}${options.password ? ' (password set)' : ''}${options.caFile ? `, CA ${options.caFile}` : ''}`,
  );
  io.out(`Data: ${lock.folder} (broker session ${clientId})`);
  io.out(
    options.token === null
      ? `Console: ${server.url}`
      : `Console: ${server.url}?token=…  (… is the token given with --token or ${TOKEN_ENV})`,
  );

  let failing = false;
  const keeper = startKeeper(db, board, {
    alert: (alert) => server.alert(alert),
    figures: () => server.figuresChanged(),
    failed(problem) {
      if (!failing) io.err(`haochaping-terminal hall: ${problem}; reconnecting in 30 s to read it again`);
      failing = true;
      server.storeProblem(problem);
      // Unacknowledged 差评 and the retained days come again on the next connect.
      setTimeout(() => subscriber.drop(), 30_000).unref();
    },
  });
  const subscriber = startSubscriber(options, clientId, keeper, {
    status(status) {
      server.status(status);
      if (status.state === 'connected') io.out(brokerLine(status));
      if (status.state === 'disconnected') io.err(brokerLine(status));
    },
    changed: () => {
      if (failing) {
        failing = false;
        server.storeProblem(null);
      }
      server.changed();
    },
  });

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      await subscriber.close();
      keeper.flush();
      await server.close();
      await figures.close();
      db.close();
      await lock.release();
      io.out(`Stopped (${signal}).`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
