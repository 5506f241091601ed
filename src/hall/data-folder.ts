// The console's data folder: its database and its MQTT session's client id. One console
// at a time may use a folder — two would fight over one broker session and one file.
//
// The lock is a local socket the running console listens on, named after the folder's
// real path: the operating system frees it the moment the process ends, however it ends
// (a pid file outlives a kill -9 and, after a reboot, may name somebody else's process).
// A second console connects to it and learns who holds the folder.

import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userDataDir } from '../config/user-data-dir.js';

/** `{user-data}/hall/{hall}`: one folder per hall, so two halls' consoles on one machine do not clash. */
export function defaultDataFolder(hallId: string): string {
  return join(userDataDir(), 'hall', hallId);
}

function socketPath(folder: string): string {
  const key = createHash('sha256').update(folder).digest('hex').slice(0, 24);
  if (process.platform === 'win32') return `\\\\.\\pipe\\haochaping-hall-${key}`;
  // Linux's abstract namespace: no file to leave behind.
  if (process.platform === 'linux') return `\0haochaping-hall-${key}`;
  return join(tmpdir(), `haochaping-hall-${key}.sock`);
}

export interface FolderLock {
  folder: string;
  /** Tells a second console who holds the folder (the page's address, once known). */
  describe(text: string): void;
  release(): Promise<void>;
}

export class FolderInUseError extends Error {}

function askHolder(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let text = '';
    const done = (value: string | null) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2_000, () => done(text || 'another console'));
    socket.on('data', (d) => {
      text += d.toString('utf8');
    });
    socket.on('end', () => done(text || 'another console'));
    socket.on('error', () => done(null));
  });
}

function listen(server: Server, path: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    server.once('error', (err) => resolve(err as NodeJS.ErrnoException));
    server.listen(path, () => resolve(null));
  });
}

/**
 * Creates the folder if needed and takes it for this console, or throws FolderInUseError
 * with a message naming the folder and the console that holds it.
 */
export async function lockDataFolder(folder: string): Promise<FolderLock> {
  mkdirSync(folder, { recursive: true });
  const real = realpathSync(folder);
  const path = socketPath(real);
  let holder = `pid ${process.pid}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const server = createServer((socket) => socket.end(holder));
    const err = await listen(server, path);
    if (!err) {
      server.unref();
      return {
        folder: real,
        describe(text) {
          holder = `pid ${process.pid}, ${text}`;
        },
        release: () => new Promise((r) => server.close(() => r())),
      };
    }
    if (err.code !== 'EADDRINUSE') throw err;
    const other = await askHolder(path);
    if (other !== null) {
      throw new FolderInUseError(
        `the data folder ${real} is in use by another console (${other}); one console per folder — give this one its own with --data DIR`,
      );
    }
    // A socket file left by a console that died (only where sockets are files).
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
  throw new FolderInUseError(`the data folder ${real} cannot be locked; check the folder and try again`);
}
