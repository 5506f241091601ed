// Where the terminal writes its log (the issue: "doctor prints where they are"), and
// whether it can: a terminal that cannot write its log still runs, so this is a warning.
// Rotated files (terminal.log.1 …) sit in the same folder.

import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOG_FILE_NAME } from '../config/terminal-config.js';
import { describeIoError } from '../store/open.js';
import { type Finding, ok, warn } from './report.js';

export function checkLogFolder(dir: string): Finding {
  const file = join(dir, LOG_FILE_NAME);
  // A missing folder is made at start, if the nearest folder that exists lets it be.
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
  } catch (err) {
    return warn(
      'logs',
      `${file} cannot be written (${describeIoError(err)}): the terminal runs without a log`,
    );
  }
  return ok('logs', existing === dir ? file : `${file} (the folder is made when the terminal starts)`);
}
