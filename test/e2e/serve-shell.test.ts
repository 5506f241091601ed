import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { Terminal } from '../../src/engine/terminal.js';
import { type ServeShell, startServeShell } from '../../src/shells/serve/server.js';
import { RatingStore } from '../../src/store/store.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { clerk, coreConfig, request } from '../helpers/core-fixture.js';
import { namedFirst } from '../helpers/hall.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function rig(mode: 'counter' | 'kiosk' = 'counter') {
  const dir = tempDir();
  const store = { path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') };
  const terminal = new Terminal({
    config: coreConfig({ mode }),
    openStore: () => RatingStore.open(store),
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
  });
  terminal.start();
  const shell: ServeShell = await startServeShell({
    terminal,
    host: '127.0.0.1',
    port: 0,
    webRoot: join(PACKAGE_ROOT, 'dist', 'web'),
    soundsRoot: join(PACKAGE_ROOT, 'assets', 'sounds'),
    volume: () => 80,
    hidKeys: [['F1'], ['F2'], ['F3'], ['F4'], ['F5']],
    log: { log() {} },
  });
  cleanup.push(
    () => terminal.stop(),
    () => shell.close(),
  );
  const page = await browser().newPage({ viewport: { width: 1024, height: 600 } });
  cleanup.push(() => page.close());
  await page.goto(shell.url);
  return { terminal, shell, page };
}

describe('the serve shell in Chromium', () => {
  it('shows the idle screen, then a prompt, and a touch rating is stored before the thanks', async () => {
    const { terminal, page } = await rig();
    await expect.poll(() => page.locator('main').getAttribute('data-screen')).toBe('idle');
    await expect.poll(() => page.locator('h1').textContent()).toBe('暂无工作人员');
    terminal.signIn(clerk);
    await expect.poll(() => page.locator('h1').textContent()).toBe('欢迎光临');
    const { promptId } = terminal.openPrompt(request());
    await page.getByRole('button', { name: namedFirst('满意') }).click();
    await expect.poll(() => page.locator('.thanks').textContent()).toBe('谢谢您的评价');
    expect(terminal.getPrompt(promptId as string)).toMatchObject({
      status: 'rated',
      records: [{ level: 4, final: true }],
    });
  });

  it('takes a keyboard-wedge keypad press (F5 = 非常不满意) and a 差评 with reasons', async () => {
    const { terminal, page } = await rig('kiosk');
    const { promptId } = terminal.openPrompt(request());
    await expect.poll(() => page.locator('main').getAttribute('data-screen')).toBe('rate');
    await page.waitForTimeout(350); // past the 300 ms of a press too fast to be read
    await page.keyboard.press('F5');
    await expect.poll(() => page.locator('h1').textContent()).toBe('请选择不满意的原因');
    await page.getByRole('button', { name: '服务态度差效率低' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: '服务态度差效率低' }).getAttribute('aria-pressed'))
      .toBe('true');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.locator('main').getAttribute('data-screen')).toBe('thanks');
    expect(terminal.getPrompt(promptId as string)?.records).toEqual([
      expect.objectContaining({ level: 1, reasons: ['115'], final: true, flags: [] }),
    ]);
  });

  it('refuses a bridge connection from any other origin, and serves nothing outside its folder', async () => {
    const { shell } = await rig();
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`${shell.url.replace('http', 'ws')}bridge`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve('open'));
      ws.on('error', (e) => resolve(e.message));
    });
    expect(status).toBe(403);
    const traversal = await fetch(`${shell.url}app/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
    const html = await fetch(shell.url);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
