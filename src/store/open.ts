// Opening the database: pragmas that make a commit survive a power cut, an integrity
// check, migrations, and — for a damaged file — moving it aside (never deleting it)
// and starting afresh, so the hall can keep rating while the old file is examined.
//
// One owner per database file: openDatabase checks, repairs, migrates and moves aside;
// every other connection (the forwarder's) uses attachDatabase, which does none of it.

import { accessSync, constants, existsSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensureFolder, syncFolder } from '../base/durable-file.js';
import { damagedName } from './aside-name.js';
import { LATEST_VERSION, type Migration, migrate } from './migrations/index.js';

export class StoreUnavailableError extends Error {}

export interface OpenedDatabase {
  db: Database.Database;
  /** Where a damaged database was moved, when it was. */
  movedAside: string | null;
}

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB']);

class DamagedDatabase extends Error {}

const BACKSTOP_CHECKPOINT_PAGES = 4000;

/** `migrations`: the terminal's, unless another database (the hall console's) brings its own. */
export function openDatabase(path: string, migrations?: readonly Migration[]): OpenedDatabase {
  try {
    ensureFolder(dirname(path));
  } catch (err) {
    throw new StoreUnavailableError(
      `cannot create the folder for the database ${path}: ${describeIoError(err)}`,
    );
  }
  try {
    return { db: openChecked(path, migrations), movedAside: null };
  } catch (err) {
    if (!(err instanceof DamagedDatabase) && !CORRUPT_CODES.has(sqliteCode(err))) {
      throw new StoreUnavailableError(
        `cannot open the database ${path}: ${describeIoError(whyNotWritable(path) ?? err)}`,
      );
    }
  }
  const aside = moveAside(path);
  try {
    return { db: openChecked(path, migrations), movedAside: aside };
  } catch (err) {
    throw new StoreUnavailableError(`cannot start a fresh database at ${path}: ${describeIoError(err)}`);
  }
}

/**
 * A further connection to a database its owner has opened (and so checked and
 * migrated). It never creates, checks, migrates or moves the file: when the file is
 * not there or not at this program's schema yet, it throws and the caller tries later.
 */
export function attachDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (err) {
    throw new StoreUnavailableError(`cannot attach to the database ${path}: ${describeIoError(err)}`);
  }
  try {
    configure(db, path);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== LATEST_VERSION) {
      throw new StoreUnavailableError(
        `the database ${path} is at schema ${version}, not ${LATEST_VERSION}: its owner has not opened it yet`,
      );
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreUnavailableError) throw err;
    throw new StoreUnavailableError(`cannot attach to the database ${path}: ${describeIoError(err)}`);
  }
}

/**
 * A read-only connection for a reader beside the owner (the `report` command): it
 * never writes, creates, migrates or checkpoints; a running terminal goes on as if it
 * were not there. Throws when the file is missing or not a database of this program's
 * (at least `minVersion`).
 */
export function readOnlyDatabase(path: string, minVersion: number): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreUnavailableError(`cannot read the database ${path}: ${describeIoError(err)}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < minVersion) {
      throw new StoreUnavailableError(
        `the database ${path} is at schema ${version}: start the terminal once with this version, so that it brings its store up to date`,
      );
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreUnavailableError) throw err;
    throw new StoreUnavailableError(`cannot read the database ${path}: ${describeIoError(err)}`);
  }
}

/** The settings every connection has, owner or not. */
function configure(db: Database.Database, path: string): void {
  // Wait for the other connection's write rather than fail at once.
  db.pragma('busy_timeout = 5000');
  // WAL + FULL: each commit is fsynced to the log before it returns.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal')
    throw new StoreUnavailableError(`the database ${path} cannot use WAL journaling (${mode})`);
  db.pragma('synchronous = FULL');
  // Erased personal data is overwritten with zeros, not left in free space.
  db.pragma('secure_delete = ON');
  // Checkpoints run when the terminal is idle (RatingStore.checkpointIfDue), not inside a
  // citizen's commit; this is only the backstop for a terminal that is never idle.
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  db.pragma('foreign_keys = ON');
}

function openChecked(path: string, migrations?: readonly Migration[]): Database.Database {
  const fresh = !existsSync(path);
  const db = new Database(path);
  try {
    configure(db, path);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DamagedDatabase(String(check));
    migrate(db, undefined, migrations);
    if (fresh) {
      // A new database lives in its WAL until a checkpoint: copy it into the file
      // (fsynced) and sync the folder, so a cut now leaves the whole database.
      db.pragma('wal_checkpoint(TRUNCATE)');
      syncFolder(dirname(path));
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Empties the WAL into the database; false when a reader elsewhere kept it from finishing. */
export function truncateWal(db: Database.Database): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return result?.busy === 0;
}

/** SQLite says only "cannot open"; the folder's own error says why (read-only, permission). */
function whyNotWritable(path: string): unknown {
  try {
    accessSync(dirname(path), constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
    return null;
  } catch (err) {
    return err;
  }
}

function moveAside(path: string): string {
  const aside = damagedName(path);
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  syncFolder(dirname(path));
  return aside;
}

export function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : '';
}

/** An I/O failure in words a technician can act on. */
export function describeIoError(err: unknown): string {
  const code = sqliteCode(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full; free some space';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS')
    return 'the disk is read-only; check the mount or the disk';
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_CANTOPEN'))
    return 'no permission, or the path is not usable; check the folder and its owner';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
    return 'the disk reported an I/O error; check the disk';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return 'another program holds the database; is a second terminal running?';
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}
