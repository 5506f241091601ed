// The Electron shell: the same engine as `serve`, the screens in a kiosk window, the
// bridge over IPC. It holds no rules.
import { app, type BrowserWindow, dialog, ipcMain, powerSaveBlocker } from 'electron';
import { main as cliMain, isCliInvocation, loadAll, loadForReload } from '../../cli.js';

import { type RunningTerminal, startRunningTerminal } from '../../engine/running-terminal.js';
import { registerAppScheme, serveAppScheme } from './app-protocol.js';
import { resolveConfigFile } from './config-file.js';
import { startIpcBridge } from './ipc-bridge.js';
import { createKioskWindow, hardenSession } from './kiosk-window.js';

// The packaged app cannot run as plain Node (the RunAsNode fuse is off), so the
// technicians' commands run here: `haochaping-terminal doctor`, `hall …` work on an
// installed terminal too. They open no window and take no instance lock.
const args = process.argv.slice(app.isPackaged ? 1 : 2);
if (isCliInvocation(args)) {
  void cliMain(args).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  // A second start (a double click, an autostart race) leaves the running terminal alone.
  app.quit();
} else {
  registerAppScheme();
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const problems: string[] = [];
  const io = { out: (l: string) => process.stdout.write(`${l}\n`), err: (l: string) => problems.push(l) };
  const { file, created } = resolveConfigFile(process.argv, app.getPath('userData'));
  if (created) io.out(`A configuration template was written to ${file}; edit it for this terminal.`);
  const all = loadAll(file, io);
  if (!all) {
    dialog.showErrorBox('好差评终端无法启动 — configuration', problems.join('\n'));
    app.exit(2);
    return;
  }
  hardenSession();
  // Served from the moment the window may ask; the notices are there once the terminal runs.
  let running: RunningTerminal | null = null;
  serveAppScheme(() => running?.slides ?? null);
  try {
    running = await startRunningTerminal(all.config, all.catalogue);
  } catch (err) {
    dialog.showErrorBox('好差评终端无法启动', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }
  const { terminal, logger, config } = running;

  powerSaveBlocker.start('prevent-display-sleep');

  let win: BrowserWindow | null = null;
  const bridge = startIpcBridge({
    ipcMain,
    window: {
      webContentsId: () => (win && !win.isDestroyed() ? win.webContents.id : null),
      send: (channel, message) => win?.webContents.send(channel, message),
    },
    terminal,
    volume: () => running.config.ui.volume,
    hidKeys: config.keypad.driver === 'hid' ? config.keypad.hidKeys : [],
    log: logger,
    diagnostics: running.diagnostics,
  });
  win = createKioskWindow(() => bridge.greet());
  app.on('second-instance', () => {
    if (win && !win.isDestroyed()) win.focus();
  });

  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    void (async () => {
      bridge.stop();
      await running.stop();
      app.exit(0);
    })();
  });
  app.on('window-all-closed', () => app.quit());
  process.on('SIGHUP', () => {
    const console = { out: io.out, err: (l: string) => process.stderr.write(`${l}\n`) };
    const next = loadForReload(file, console, logger);
    if (!next) return;
    for (const line of running.reload(next)) logger.log('warn', 'restart_needed', { detail: line });
  });
}
