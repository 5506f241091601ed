// haochaping-terminal hall: the hall's console. One process holds the MQTT subscription
// and serves the page; it stores nothing, so stopping it loses nothing.

import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/package-root.js';
import { loadReasonsCatalogue } from '../config/reasons-catalogue.js';
import { Board } from './board.js';
import { DEFAULT_HALL_PORT, PASSWORD_ENV, parseHallOptions, TOKEN_ENV } from './options.js';
import { startHallServer } from './server.js';
import { type BrokerStatus, startSubscriber } from './subscriber.js';

export const HALL_USAGE = `Usage:
  haochaping-terminal hall --broker URL --hall ID [--port ${DEFAULT_HALL_PORT}] [--host 127.0.0.1] [--token T]
  haochaping-terminal hall --config FILE [flags above to override the file]

The hall's console: one web page showing every terminal of the hall (state, keypad,
platform, last seen; offline ones marked at once) and a live list of 差评 with a sound.
It reads the terminals' MQTT broker and stores nothing.

  --broker URL     mqtt://HOST:1883 or mqtts://HOST:8883 (no user or password in it)
  --config FILE    a terminal's configuration file: its fleet section gives url, username,
                   password, ca, topicPrefix and hallId (default terminal.areaCode)
  --hall ID        the hall id in the topics, {prefix}/{hall}/{terminal}/…
  --prefix P       the topic prefix (default hcp)
  --username U     the broker user; the password comes from fleet.password or ${PASSWORD_ENV}
  --ca FILE        a PEM file of a private CA, for mqtts://
  --host H         the address to listen on (default 127.0.0.1)
  --port N         the port to listen on (default ${DEFAULT_HALL_PORT})
  --token T        required off loopback (or ${TOKEN_ENV}); the page is then opened as
                   http://HOST:PORT/?token=T

Exit 0 on SIGINT/SIGTERM; 2 when the options are wrong; 1 when the port cannot be used.`;

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
  const labels = new Map<string, string>();
  for (const level of [1, 2] as const) {
    for (const r of reasons.catalogue.levels[level]) labels.set(`${level}:${r.code}`, r.label);
  }
  const board = new Board((level, code) => labels.get(`${level}:${code}`) ?? code);

  let server: Awaited<ReturnType<typeof startHallServer>>;
  try {
    server = await startHallServer({
      board,
      hallId: options.hallId,
      host: options.host,
      port: options.port,
      token: options.token,
      webRoot: join(PACKAGE_ROOT, 'dist', 'web', 'hall'),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use (another console?); choose another with --port'
        : `cannot be used (${code ?? String(err)}); check --host and --port`;
    io.err(`haochaping-terminal hall: ${options.host}:${options.port} ${why}`);
    return 1;
  }
  // The password and token are never printed; the address shows where the token goes.
  io.out(`Hall console for hall ${options.hallId} (topics ${options.prefix}/${options.hallId}/+/…)`);
  io.out(
    `Broker: ${options.broker}${options.username ? ` as ${options.username}` : ''}${options.password ? ' (password set)' : ''}${options.caFile ? `, CA ${options.caFile}` : ''}`,
  );
  io.out(
    options.token === null
      ? `Console: ${server.url}`
      : `Console: ${server.url}?token=…  (… is the token given with --token or ${TOKEN_ENV})`,
  );

  const subscriber = startSubscriber(options, board, {
    status(status) {
      server.status(status);
      if (status.state === 'connected') io.out(brokerLine(status));
      if (status.state === 'disconnected') io.err(brokerLine(status));
    },
    alert: (alert) => server.alert(alert),
    changed: () => server.changed(),
  });

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      await subscriber.close();
      await server.close();
      io.out(`Stopped (${signal}).`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
