// The Electron shell: the same engine as `serve`, the screens in a kiosk window, the
// bridge over IPC. It holds no rules; the start, SIGHUP and stop are the one process
// main's (../process-main.ts), as serve's are. src/electron-main.ts starts it.
import { app, type BrowserWindow, dialog, ipcMain, powerSaveBlocker } from 'electron';
import type { RunningTerminal } from '../../engine/running-terminal.js';
import { startTerminalProcess } from '../process-main.js';
import { serveAppScheme } from './app-protocol.js';
import { resolveConfigFile } from './config-file.js';
import { startIpcBridge } from './ipc-bridge.js';
import { createKioskWindow, hardenSession } from './kiosk-window.js';

/** The kiosk: the engine, its window and the IPC bridge, until the app quits. */
export async function runKiosk(): Promise<void> {
  // The start's problems, for the dialog; later lines (SIGHUP's) only go to stderr.
  const problems: string[] = [];
  let starting = true;
  const io = {
    out: (l: string) => process.stdout.write(`${l}\n`),
    err: (l: string) => {
      if (starting) problems.push(l);
      process.stderr.write(`${l}\n`);
    },
  };
  const { file, created } = resolveConfigFile(process.argv, app.getPath('userData'));
  if (created) io.out(`A configuration template was written to ${file}; edit it for this terminal.`);
  let win: BrowserWindow | null = null;
  let started: Awaited<ReturnType<typeof startKiosk>>;
  try {
    started = await startKiosk(
      file,
      io,
      () => win,
      (w) => {
        win = w;
      },
    );
  } catch (err) {
    dialog.showErrorBox('好差评终端无法启动', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }
  if (!started.ok) {
    const title = started.exitCode === 2 ? '好差评终端无法启动 — configuration' : '好差评终端无法启动';
    dialog.showErrorBox(title, problems.join('\n'));
    app.exit(started.exitCode);
    return;
  }
  starting = false;
  powerSaveBlocker.start('prevent-display-sleep');
  app.on('second-instance', () => {
    if (win && !win.isDestroyed()) win.focus();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void started.process.stop('before-quit').then(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
}

/** The kiosk window and its IPC bridge, opened by the process main once the engine runs. */
function startKiosk(
  file: string,
  io: { out(l: string): void; err(l: string): void },
  currentWindow: () => BrowserWindow | null,
  setWindow: (w: BrowserWindow) => void,
) {
  return startTerminalProcess({
    file,
    io,
    async startShell(running: RunningTerminal) {
      hardenSession();
      // Served from the moment the window may ask.
      serveAppScheme(() => running.slides);
      const { terminal, logger, config } = running;
      const bridge = startIpcBridge({
        ipcMain,
        window: {
          webContentsId: () => {
            const win = currentWindow();
            return win && !win.isDestroyed() ? win.webContents.id : null;
          },
          send: (channel, message) => currentWindow()?.webContents.send(channel, message),
        },
        terminal,
        volume: () => running.config.ui.volume,
        hidKeys: config.keypad.driver === 'hid' ? config.keypad.hidKeys : [],
        log: logger,
        diagnostics: running.diagnostics,
      });
      setWindow(createKioskWindow(() => bridge.greet()));
      return { close: () => bridge.stop() };
    },
    // No console is watched on a kiosk: a change that needs a restart goes to the log.
    restartNeeded: (line, running) => running.logger.log('warn', 'restart_needed', { detail: line }),
    reloaded: () => {},
  });
}
