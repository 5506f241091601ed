// The kiosk window: full screen, sandboxed, isolated, no Node, no navigation, no new
// windows, no permissions, no devtools in packaged builds, reloaded if it crashes.
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { APP_ORIGIN } from './channels.js';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

export function hardenSession(): void {
  // Every permission (camera, notifications, geolocation, …) is refused, asked or checked.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

export function createKioskWindow(onLoaded: () => void): BrowserWindow {
  const win = new BrowserWindow({
    kiosk: app.isPackaged,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#f3f5f8',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Sounds follow keypad presses, which are no user gesture to Chromium: allowed anyway.
      autoplayPolicy: 'no-user-gesture-required',
      devTools: !app.isPackaged,
    },
  });
  const wc = win.webContents;
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  wc.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.on('did-finish-load', onLoaded);
  // A crashed or killed renderer comes back by itself: the hall has no one to restart it.
  wc.on('render-process-gone', () => {
    setTimeout(() => {
      if (!win.isDestroyed()) wc.reload();
    }, 1_000);
  });
  wc.on('unresponsive', () => {
    if (!win.isDestroyed()) wc.forcefullyCrashRenderer();
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/`);
  return win;
}
