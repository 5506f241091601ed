// `serve`'s shell in the one process main: the screens over HTTP for any Chromium.

import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../base/package-root.js';
import type { LoadIo } from '../../config/load-all.js';
import { ListenError, listenProblem } from '../../engine/running-terminal.js';
import { type StartedProcess, startTerminalProcess } from '../process-main.js';
import { type ServeShell, startServeShell } from './server.js';

export function startServeProcess(file: string | null, io: LoadIo): Promise<StartedProcess<ServeShell>> {
  return startTerminalProcess({
    file,
    io,
    async startShell(running) {
      const { config, terminal, logger } = running;
      try {
        return await startServeShell({
          terminal,
          host: config.ui.host,
          port: config.ui.port,
          webRoot: join(PACKAGE_ROOT, 'dist', 'web'),
          soundsRoot: join(PACKAGE_ROOT, 'assets', 'sounds'),
          slides: () => running.slides,
          volume: () => running.config.ui.volume,
          hidKeys: config.keypad.driver === 'hid' ? config.keypad.hidKeys : [],
          log: logger,
          diagnostics: running.diagnostics,
          token: config.ui.token,
        });
      } catch (err) {
        throw new ListenError(listenProblem(err, 'ui', config.ui.host, config.ui.port));
      }
    },
  });
}
