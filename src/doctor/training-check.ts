// Training mode in doctor: a `warn` line whenever the terminal is (or runs as) a training
// terminal. It does not fail: a try-out terminal is a fine thing to be. But a terminal in
// service left in training mode would keep every rating from the platform, silently, so
// the line is there to be seen; and a terminal that is healthy and live shows no line.

import type { TerminalConfig } from '../config/terminal-config.js';
import { type Finding, warn } from './report.js';
import type { Running } from './running-terminal.js';

const TO_GO_LIVE = 'set terminal.training: false when the terminal goes into service';

export function checkTraining(config: TerminalConfig, running: Running): Finding | null {
  const inFile = config.terminal.training;
  const runningAs = running.kind === 'this' ? running.health.training : null;
  if (runningAs !== null && runningAs !== inFile) {
    return warn(
      'training',
      runningAs
        ? `the running terminal is in training mode, the file says terminal.training: false; restart it so its ratings are forwarded`
        : `the file says terminal.training: true, the running terminal is not in training mode; restart it to apply`,
    );
  }
  if (!inFile) return null;
  const platform = config.platform ? `, not even to ${config.platform.url}` : '';
  return warn(
    'training',
    `training mode (terminal.training: true): every screen shows 培训模式 and no rating is ever forwarded${platform}; ${TO_GO_LIVE}`,
  );
}
