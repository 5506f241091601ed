import { existsSync, readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, CHANNELS, isTrustedSender } from '../../../src/shells/electron/channels.js';

describe('the channel map', () => {
  it('is closed: the preload spells exactly the two channels of channels.ts and nothing else', () => {
    const preload = readFileSync(
      new URL('../../../src/shells/electron/preload.cts', import.meta.url),
      'utf8',
    );
    const spelled = [...preload.matchAll(/'([a-z]+:[a-z]+)'/g)].map((m) => m[1]).sort();
    expect(spelled).toEqual(Object.values(CHANNELS).sort());
    // The renderer gets functions, never ipcRenderer itself.
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });

  it('the built preload exposes only send and onMessage, each on its own channel', () => {
    const built = new URL('../../../dist/src/shells/electron/preload.cjs', import.meta.url);
    if (!existsSync(built))
      throw new Error('dist/src/shells/electron/preload.cjs is missing: run npm run build first');
    const exposed: Record<string, any> = {};
    const sent: [string, unknown][] = [];
    const listeners = new Map<string, (...a: unknown[]) => void>();
    // Electron cannot run here: the compiled preload runs in a bare context whose only
    // module is a stand-in for Electron's contextBridge and ipcRenderer.
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        send: (channel: string, m: unknown) => sent.push([channel, m]),
        on: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, l),
        removeListener: (channel: string) => listeners.delete(channel),
      },
    };
    const required: string[] = [];
    const module = { exports: {} };
    runInNewContext(readFileSync(built, 'utf8'), {
      module,
      exports: module.exports,
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return electron;
      },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['hcpBridge']);
    expect(Object.keys(exposed.hcpBridge).sort()).toEqual(['onMessage', 'send']);
    exposed.hcpBridge.send({ type: 'intent' });
    expect(sent).toEqual([[CHANNELS.up, { type: 'intent' }]]);
    const got: unknown[] = [];
    const off = exposed.hcpBridge.onMessage((m: unknown) => got.push(m));
    listeners.get(CHANNELS.down)?.({ sender: 'event' }, { type: 'view' });
    expect(got).toEqual([{ type: 'view' }]);
    off();
    expect(listeners.has(CHANNELS.down)).toBe(false);
  });
});

describe('sender checks', () => {
  const ok = { senderId: 7, frameUrl: `${APP_ORIGIN}/`, isMainFrame: true };
  it('trust only the kiosk window’s main frame on our own origin', () => {
    expect(isTrustedSender(ok, 7)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${APP_ORIGIN}/app/renderer/index.html` }, 7)).toBe(true);
  });
  it('refuse another window, a subframe, a gone frame, another origin, or no window', () => {
    expect(isTrustedSender({ ...ok, senderId: 8 }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: null }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'file:///etc/passwd' }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://terminal.evil/' }, 7)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'not a url' }, 7)).toBe(false);
    expect(isTrustedSender(ok, null)).toBe(false);
  });
});
