// The hall console end to end: a real Mosquitto, the real `haochaping-terminal hall`
// process, simulated terminals publishing the contract's messages over their own MQTT
// connections (with the contract's will), and the page in Debian's Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { type Run, runCli, waitFor } from '../helpers/cli.js';
import { SCREENSHOT_DIR } from '../helpers/hall.js';
import { badRatingEvent } from '../helpers/hall-console.js';
import { stateReport } from '../helpers/hall-state.js';
import { Broker } from '../helpers/mosquitto.js';
import { startOnFreePorts } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();
const HALL = '350521';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function state(id: string, over: Record<string, unknown> = {}) {
  return stateReport({ terminalId: id, hallId: HALL, ...over });
}

function badRating(over: Record<string, unknown> = {}) {
  return badRatingEvent({ deptCode: '11350521MB0001', ...over });
}

/** A terminal as the contract has it: clean session, a retained "offline" will, availability then state. */
async function terminal(broker: Broker, id: string, st: Record<string, unknown>): Promise<MqttClient> {
  const t = `hcp/${HALL}/${id}`;
  const client = await mqtt.connectAsync(broker.url, {
    clientId: `hcp-${id}`,
    clean: true,
    reconnectPeriod: 0,
    will: { topic: `${t}/availability`, payload: Buffer.from('offline'), retain: true, qos: 1 },
  });
  cleanups.push(() => client.endAsync(true));
  await client.publishAsync(`${t}/availability`, 'online', { retain: true, qos: 1 });
  await client.publishAsync(`${t}/state`, JSON.stringify(st), { retain: true, qos: 1 });
  return client;
}

async function publisher(broker: Broker): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, {
    clientId: `pub-${Math.random()}`,
    reconnectPeriod: 0,
  });
  cleanups.push(() => client.endAsync(true));
  return client;
}

async function startConsole(broker: Broker): Promise<{ run: Run; url: string }> {
  const dataDir = tempDir('hcp-hall-data-');
  const { run, ports } = await startOnFreePorts(
    1,
    ([port]) => {
      const r = runCli([
        'hall',
        '--broker',
        broker.url,
        '--hall',
        HALL,
        '--port',
        String(port),
        '--data',
        dataDir,
      ]);
      cleanups.push(async () => {
        if (r.child.exitCode === null) {
          r.child.kill('SIGTERM');
          await r.exit;
        }
      });
      return r;
    },
    (r) => r.stdout().includes('Broker: connected'),
    'the console to subscribe',
  );
  return { run, url: `http://127.0.0.1:${ports[0]}/` };
}

async function openPage(url: string, viewport = { width: 1600, height: 1000 }): Promise<Page> {
  const context = await browser().newContext({ viewport });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  cleanups.push(() => expect(errors).toEqual([]));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** What a supervisor sees: the rendered text, lines as laid out. */
function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: what a supervisor sees is the rendered text
  return locator.innerText();
}

const card = (page: Page, id: string) => page.locator(`article.card[data-terminal="${id}"]`);

describe('hall console', { timeout: 120_000 }, () => {
  it('shows a terminal go offline by its will, and a 差评 arrive with a sound', async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    // One terminal is there before the console starts: its retained messages bring it in.
    const early = await terminal(broker, 'HA-0001', state('HA-0001'));
    const { url, run } = await startConsole(broker);
    const page = await openPage(url);

    await expect.poll(() => card(page, 'HA-0001').locator('.badge').textContent()).toBe('在线');
    expect(await card(page, 'HA-0001').locator('.window').textContent()).toBe('12 号窗口');
    expect(await seen(card(page, 'HA-0001'))).toContain('林晓（0427）服务中');

    // The terminal vanishes without a word: the broker publishes its will.
    (early.stream as unknown as { destroy(): void }).destroy();
    await expect
      .poll(() => card(page, 'HA-0001').locator('.badge').textContent(), { timeout: 20_000 })
      .toBe('离线');
    expect(await card(page, 'HA-0001').getAttribute('class')).toContain('offline');
    expect(await page.locator('#n-offline').textContent()).toBe('1');

    // A second terminal joins live, then a 差评 on it.
    const live = await terminal(
      broker,
      'HA-0002',
      state('HA-0002', {
        windowNo: '7',
        keypad: 'offline',
        platform: { state: 'offline', queued: 4, rejected: 0, oldestQueuedAt: '2026-11-29 12:00:00' },
      }),
    );
    await expect.poll(() => card(page, 'HA-0002').locator('.badge').textContent()).toBe('异常');
    const text = await seen(card(page, 'HA-0002'));
    expect(text).toContain('评价器\n离线');
    expect(text).toContain('离线 · 待上报 4 · 最早 11-29 12:00');
    expect(await page.locator('#alerts li').count()).toBe(0);
    await live.publishAsync(`hcp/${HALL}/HA-0002/events`, JSON.stringify(badRating({ windowNo: '7' })), {
      qos: 1,
    });
    const alert = page.locator('#alerts li.alert-bad').first();
    await alert.waitFor();
    expect(await seen(alert)).toContain('差评 · 不满意');
    expect(await seen(alert)).toContain('7 号窗口');
    // Indicator codes shown as the catalogue's words (the national list's 207, 214).
    expect(await alert.locator('.alert-reasons').textContent()).toBe('没有提供材料样本、服务态度生硬');
    expect(await alert.locator('.alert-facts').textContent()).toBe(
      // The department by its name (deptName), not only its code.
      '事项：食品经营许可 · 部门：县市场监督管理局 · 工号：0427 · 终端：HA-0002',
    );
    expect(await page.locator('body').getAttribute('data-rings')).toBe('1');

    // A training terminal: marked 培训, and its 差评 is listed as 培训 without an alarm.
    const trainee = await terminal(broker, 'HA-0003', state('HA-0003', { windowNo: '3', training: true }));
    await card(page, 'HA-0003').waitFor();
    // The card may be drawn from its availability before its state (with the tag) arrives.
    await card(page, 'HA-0003').locator('.tag-training').waitFor();
    expect(await card(page, 'HA-0002').locator('.tag-training').isVisible()).toBe(false);
    await trainee.publishAsync(
      `hcp/${HALL}/HA-0003/events`,
      JSON.stringify(badRating({ windowNo: '3', training: true, level: 1 })),
      { qos: 1 },
    );
    const drill = page.locator('#alerts li.alert-training').first();
    await drill.waitFor();
    expect(await seen(drill)).toContain('差评 · 非常不满意');
    expect(await drill.locator('.tag-training').textContent()).toBe('培训');
    expect(await page.locator('body').getAttribute('data-rings')).toBe('1');
    expect(await page.locator('#n-training').textContent()).toBe('1');

    // A page opened later gets the alerts so far (in memory) without ringing for them.
    const late = await openPage(url);
    expect(await late.locator('#alerts li').count()).toBe(2);
    expect(await late.locator('body').getAttribute('data-rings')).toBeNull();
    expect(run.stderr()).toBe('');
  });

  it('says so when the broker goes away, and picks the hall up again when it is back', async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const { url, run } = await startConsole(broker);
    const page = await openPage(url);
    expect(await page.locator('#broker').textContent()).toBe('已连接消息服务器');
    await broker.stop();
    await expect
      .poll(() => page.locator('#broker').getAttribute('class'), { timeout: 20_000 })
      .toBe('pill pill-bad');
    expect(await page.locator('#broker').textContent()).toMatch(/^消息服务器未连接/);
    await waitFor(() => run.stderr().includes('Broker: not connected'), 'the console to say so', 20_000);

    // The same address again (no retained messages survive: persistence is off here);
    // a terminal reporting after the restart appears.
    await broker.restart();
    await expect
      .poll(() => page.locator('#broker').textContent(), { timeout: 30_000 })
      .toBe('已连接消息服务器');
    await terminal(broker, 'HA-0005', state('HA-0005', { windowNo: '5' }));
    await expect.poll(() => card(page, 'HA-0005').locator('.badge').textContent()).toBe('在线');
  });

  it('counts hostile messages, renders no markup from them, and keeps working', async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const { url } = await startConsole(broker);
    const page = await openPage(url);
    const pub = await publisher(broker);
    const send = (topic: string, payload: string | Buffer) =>
      pub.publishAsync(`hcp/${HALL}/${topic}`, payload, { qos: 1 });

    const hostile: [string, string | Buffer][] = [
      ['HA-9/state', '{"terminalId":'], // not JSON
      ['HA-9/state', Buffer.alloc(200_000, 0x7b)], // huge
      ['HA-9/state', JSON.stringify('x'.repeat(9000))], // huge text
      ['HA-9/state', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])], // not UTF-8
      ['HA-9/state', JSON.stringify(state('HA-9', { platform: { state: 'online', queued: '0' } }))], // wrong type
      ['HA-9/state', JSON.stringify(state('HA-9', { keypad: '<b>x</b>' }))], // not one of the values
      ['HA-9/state', JSON.stringify({ ...state('HA-9'), html: '<img src=x>' })], // a key too many
      ['HA-9/state', JSON.stringify(state('HA-8'))], // another terminal's state
      ['HA-9/state', '[]'],
      ['HA-9/availability', '<script>alert(1)</script>'],
      ['HA-9/events', JSON.stringify(badRating({ level: '2' }))],
      ['HA-9/events', JSON.stringify(badRating({ evalDetail: '<img src=x onerror=alert(1)>' }))],
      ['HA-9/events', JSON.stringify({ type: '<script>', at: '2026-11-29 14:31:05' })],
      ['HA 9/state', JSON.stringify(state('HA 9'))], // a space in the id
    ];
    // Past the console's announced maximum packet size (MQTT 5): the broker drops it
    // before it reaches the console, so it is neither read nor counted.
    await send('HA-9/state', Buffer.alloc(2 * 1024 * 1024, 0x7b));
    for (const [topic, payload] of hostile) await send(topic, payload);
    await expect.poll(() => page.locator('body').getAttribute('data-refused')).toBe(String(hostile.length));
    expect(await page.locator('#n-refused').textContent()).toBe(String(hostile.length));
    expect(await page.locator('#refused-detail').textContent()).toBe(
      '（主题不符 1，消息过大 2，非 UTF-8 1，非 JSON 1，字段不符 8，终端、大厅或日期不符 1）',
    );
    expect(await page.locator('article.card').count()).toBe(0);
    expect(await page.locator('#broker').textContent()).toBe('已连接消息服务器');

    // Shapes the contract allows, with markup in every text it lets through.
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const evilId = '<b>HA-X<i>';
    const evilState = state(evilId, {
      windowNo: evil,
      version: evil.slice(0, 64),
      clerk: { id: evil, name: evil, status: 'paused' },
    });
    await send(`${evilId}/availability`, 'online');
    await send(`${evilId}/state`, JSON.stringify(evilState));
    await send(
      `${evilId}/events`,
      JSON.stringify(
        badRating({ windowNo: evil, clerkId: evil, deptCode: evil, deptName: evil, taskName: evil }),
      ),
    );
    const evilCard = card(page, evilId);
    await evilCard.waitFor();
    await page.locator('#alerts li').first().waitFor();
    expect(await evilCard.locator('.window').textContent()).toBe(`${evil} 号窗口`);
    expect(await evilCard.locator('.term-id').textContent()).toBe(`${evilId} · v${evil.slice(0, 64)}`);
    expect(await page.locator('#alerts li .alert-window').textContent()).toBe(`${evil} 号窗口`);
    expect(await page.locator('#alerts li .alert-facts').textContent()).toBe(
      `事项：${evil} · 部门：${evil} · 工号：${evil} · 终端：${evilId}`,
    );
    // Nothing became an element: no img, script, b or i anywhere in the cards and alerts.
    expect(await page.locator('main img, main script, main b, main i').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('body').getAttribute('data-refused')).toBe(String(hostile.length));
  });

  it('fits a supervisor monitor and a phone (screenshots)', async () => {
    const broker = await Broker.start();
    cleanups.push(() => broker.dispose());
    const pub = await publisher(broker);
    const names = [
      '林晓',
      '陈思远',
      '黄丽娟',
      '王建国',
      '张敏',
      '刘洋',
      '郑雅婷',
      '吴志强',
      '蔡文静',
      '许伟',
    ];
    for (let i = 1; i <= 24; i++) {
      const id = `HA-${String(i).padStart(4, '0')}`;
      const over: Record<string, unknown> = {
        windowNo: String(i),
        clerk: { id: String(400 + i).padStart(4, '0'), name: names[i % names.length], status: 'serving' },
      };
      if (i === 4) over.keypad = 'offline';
      if (i === 9)
        over.platform = { state: 'offline', queued: 12, rejected: 0, oldestQueuedAt: '2026-11-29 12:05:41' };
      if (i === 15)
        over.platform = {
          state: 'auth_failed',
          queued: 3,
          rejected: 0,
          oldestQueuedAt: '2026-11-29 14:02:10',
        };
      if (i === 18) over.clerk = null;
      if (i === 20) over.training = true;
      if (i === 21) over.prompt = 'open';
      if (i === 22) over.clerk = { id: '0422', name: '周小燕', status: 'paused' };
      if (i === 24) Object.assign(over, { mode: 'kiosk', windowNo: null, clerk: null });
      const t = `hcp/${HALL}/${id}`;
      await pub.publishAsync(`${t}/availability`, i === 7 || i === 13 ? 'offline' : 'online', {
        retain: true,
        qos: 1,
      });
      await pub.publishAsync(`${t}/state`, JSON.stringify(state(id, over)), { retain: true, qos: 1 });
    }
    const { url } = await startConsole(broker);
    const events: [string, Record<string, unknown>][] = [
      [
        'HA-0003',
        badRating({
          windowNo: '3',
          evalDetail: '213',
          at: '2026-11-29 14:12:40',
          taskName: '营业执照变更登记',
        }),
      ],
      ['HA-0020', badRating({ windowNo: '20', training: true, at: '2026-11-29 14:20:03' })],
      ['HA-0015', { type: 'platform_paused', state: 'auth_failed', at: '2026-11-29 14:25:17' }],
      [
        'HA-0011',
        badRating({ windowNo: '11', level: 1, evalDetail: '108,109,113', at: '2026-11-29 14:31:05' }),
      ],
    ];
    const desktop = await openPage(url, { width: 1600, height: 1000 });
    const phone = await openPage(url, { width: 390, height: 844 });
    for (const [id, event] of events) {
      await pub.publishAsync(`hcp/${HALL}/${id}/events`, JSON.stringify(event), { qos: 1 });
    }
    for (const page of [desktop, phone]) {
      await expect.poll(() => page.locator('#alerts li').count()).toBe(4);
      await expect.poll(() => page.locator('article.card').count()).toBe(24);
    }
    expect(await desktop.locator('#n-offline').textContent()).toBe('2');
    expect(await desktop.locator('#n-problem').textContent()).toBe('3');
    // Nothing wider than the phone: no sideways scrolling on the floor.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // The alerts' flash animation ends before the picture is taken.
    for (const page of [desktop, phone]) {
      await page.evaluate(() => {
        for (const li of document.querySelectorAll('.fresh')) li.classList.remove('fresh');
      });
    }
    await desktop.screenshot({ path: join(SCREENSHOT_DIR, 'hall-1600x1000.png') });
    await phone.screenshot({ path: join(SCREENSHOT_DIR, 'hall-390x844.png'), fullPage: false });
    await phone.screenshot({ path: join(SCREENSHOT_DIR, 'hall-390x844-full.png'), fullPage: true });

    // 只看异常: the two offline terminals and the three with a problem, nothing else.
    await desktop.locator('#only-problems').check();
    expect(await desktop.locator('article.card:visible').count()).toBe(5);
    await desktop.locator('#only-problems').uncheck();
    expect(await desktop.locator('article.card:visible').count()).toBe(24);
  });
});
