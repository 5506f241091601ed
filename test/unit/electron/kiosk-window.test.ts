// The kiosk window's and the app protocol's settings. Electron's binary cannot run here,
// so a stand-in for the few Electron objects they touch records what they were given.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { listSlides } from '../../../src/base/slide-folder.js';
import { tempDir } from '../../helpers/temp.js';

const fake = vi.hoisted(() => {
  const handlers = new Map<string, (...a: any[]) => any>();
  const windowOptions: any[] = [];
  const permission: { request?: any; check?: any; device?: any } = {};
  const protocolCalls: { privileged?: any; handlers: Map<string, (req: any) => Promise<Response>> } = {
    handlers: new Map(),
  };
  class BrowserWindow {
    loaded: string | null = null;
    webContents = {
      id: 7,
      openHandler: null as null | ((d: unknown) => unknown),
      setWindowOpenHandler(h: (d: unknown) => unknown) {
        this.openHandler = h;
      },
      on(event: string, h: (...a: any[]) => any) {
        handlers.set(event, h);
      },
      reload: vi.fn(),
      forcefullyCrashRenderer: vi.fn(),
    };
    constructor(options: any) {
      windowOptions.push(options);
    }
    once() {}
    show() {}
    isDestroyed() {
      return false;
    }
    loadURL(url: string) {
      this.loaded = url;
      return Promise.resolve();
    }
  }
  return { handlers, windowOptions, permission, protocolCalls, BrowserWindow };
});

vi.mock('electron', () => ({
  app: { isPackaged: true },
  BrowserWindow: fake.BrowserWindow,
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: any) => (fake.permission.request = h),
      setPermissionCheckHandler: (h: any) => (fake.permission.check = h),
      setDevicePermissionHandler: (h: any) => (fake.permission.device = h),
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (s: any) => (fake.protocolCalls.privileged = s),
    handle: (scheme: string, h: any) => fake.protocolCalls.handlers.set(scheme, h),
  },
}));

const { createKioskWindow, hardenSession } = await import('../../../src/shells/electron/kiosk-window.js');
const { registerAppScheme, serveAppScheme, CONTENT_SECURITY_POLICY } = await import(
  '../../../src/shells/electron/app-protocol.js'
);

beforeEach(() => {
  fake.handlers.clear();
  fake.windowOptions.length = 0;
});

describe('the kiosk window', () => {
  it('is sandboxed and isolated, without Node, webviews or devtools in a packaged build', () => {
    const win = createKioskWindow(() => undefined) as unknown as InstanceType<typeof fake.BrowserWindow>;
    const prefs = fake.windowOptions[0].webPreferences;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs.preload).toMatch(/preload\.cjs$/);
    // A keypad press is no user gesture: without this the window plays no sound.
    expect(prefs.autoplayPolicy).toBe('no-user-gesture-required');
    expect(fake.windowOptions[0]).toMatchObject({ kiosk: true, fullscreen: true });
    expect(win.loaded).toBe('app://terminal/');
  });

  it('opens no new window and navigates nowhere but its own pages', () => {
    const win = createKioskWindow(() => undefined) as unknown as InstanceType<typeof fake.BrowserWindow>;
    expect(win.webContents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect']) {
      const away = { preventDefault: vi.fn() };
      fake.handlers.get(event)?.(away, 'https://evil.example/');
      expect(away.preventDefault).toHaveBeenCalled();
      const home = { preventDefault: vi.fn() };
      fake.handlers.get(event)?.(home, 'app://terminal/app/renderer/index.html');
      expect(home.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    fake.handlers.get('will-attach-webview')?.(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('reloads a renderer that crashed', async () => {
    vi.useFakeTimers();
    const win = createKioskWindow(() => undefined) as unknown as InstanceType<typeof fake.BrowserWindow>;
    fake.handlers.get('render-process-gone')?.({}, { reason: 'crashed' });
    vi.advanceTimersByTime(1_000);
    expect(win.webContents.reload).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('refuses every permission', () => {
    hardenSession();
    const answer = vi.fn();
    fake.permission.request({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(fake.permission.check({}, 'notifications')).toBe(false);
    expect(fake.permission.device({})).toBe(false);
  });
});

describe('the app protocol', () => {
  it('is registered as standard and secure, and serves the screens with the CSP', async () => {
    registerAppScheme();
    expect(fake.protocolCalls.privileged).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    serveAppScheme();
    const handle = fake.protocolCalls.handlers.get('app') as (req: { url: string }) => Promise<Response>;
    const index = await handle({ url: 'app://terminal/' });
    if (index.status === 404) throw new Error('dist/web is missing: run npm run build first');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('/app/renderer/main.js');
    expect(
      (await handle({ url: 'app://terminal/app/renderer/main.js' })).headers.get('content-type'),
    ).toContain('javascript');
    expect((await handle({ url: 'app://terminal/sounds/thanks.wav' })).status).toBe(200);
    expect((await handle({ url: 'app://terminal/app/..%2f..%2fpackage.json' })).status).toBe(404);
    expect((await handle({ url: 'app://other/' })).status).toBe(404);
  });

  it('serves the hall’s notices by the id the engine listed, nothing else in or out of the folder', async () => {
    const folder = tempDir('hcp-notices-');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7]);
    writeFileSync(join(folder, '1-办事指南.png'), png);
    writeFileSync(join(folder, '..', 'outside.png'), png);
    symlinkSync(join(folder, '..', 'outside.png'), join(folder, '2-link.png'));
    const list = listSlides(folder);
    serveAppScheme(() => list);
    const handle = fake.protocolCalls.handlers.get('app') as (req: { url: string }) => Promise<Response>;
    const id = list.slides[0]?.id as string;
    expect(list.slides).toHaveLength(1);
    const served = await handle({ url: `app://terminal/slides/${id}` });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    for (const hostile of [
      'slides/1-办事指南.png',
      'slides/2-link.png',
      'slides/..%2foutside.png',
      'slides/%2e%2e/outside.png',
      `slides/${id.toUpperCase()}`,
      'slides/',
    ])
      expect((await handle({ url: `app://terminal/${hostile}` })).status, hostile).toBe(404);
    // Before the terminal runs (or without ui.idleSlides) there are none to serve.
    serveAppScheme();
    const bare = fake.protocolCalls.handlers.get('app') as (req: { url: string }) => Promise<Response>;
    expect((await bare({ url: `app://terminal/slides/${id}` })).status).toBe(404);
  });
});
