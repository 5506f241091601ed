// The console keeps what it reads: a real Mosquitto, the real `hall` process on a data
// folder, and a publisher speaking for two terminals per the contract. Stopped and
// started, it shows the same figures; 差评 published while it was down arrive, each once;
// a day's latest counts replace the earlier ones (down, too); an empty retained message
// deletes nothing; a second console on the same folder is refused.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cstToday, dayText } from '../../src/hall/db/days.js';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { runCli } from '../helpers/cli.js';
import {
  badRatingEvent,
  type ConsoleRun,
  consoleJson,
  startConsole,
  statsPayload,
  TestPublisher,
} from '../helpers/hall-console.js';
import { Broker } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp.js';

const browser = chromiumForFile();

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(): Promise<Broker> {
  const b = await Broker.start();
  cleanups.push(() => b.dispose());
  return b;
}
async function consoleOn(b: Broker, dir: string): Promise<ConsoleRun> {
  const c = await startConsole(b.url, dir);
  cleanups.push(() => c.stop());
  return c;
}
async function publisher(b: Broker): Promise<TestPublisher> {
  const p = await TestPublisher.connect(b.url);
  cleanups.push(() => p.close());
  return p;
}

const today = dayText(cstToday(Date.now()));
const monthStart = `${today.slice(0, 8)}01`;

describe('the hall console keeps what it reads', { timeout: 180_000 }, () => {
  it('shows the same figures after a restart; 差评 sent while it was down arrive once', async () => {
    const b = await broker();
    const dir = tempDir('hcp-hall-data-');
    const first = await consoleOn(b, dir);
    const pub = await publisher(b);

    const seen = (path: string) => consoleJson(first.url, path);
    await pub.stats(
      statsPayload('HA-0001', monthStart, '12', [
        { hour: '09', levels: [3, 1, 0, 0, 1], reasons: { '115': 1 }, expired: 1 },
        {
          hour: '10',
          levels: [2, 0, 1, 1, 0],
          reasons: { '214': 1 },
          deptCode: 'D-TAX',
          deptName: '县税务局',
        },
      ]),
    );
    await pub.stats(
      statsPayload('HA-0002', monthStart, '7', [{ hour: '09', clerkId: '0511', levels: [4, 0, 0, 0, 0] }]),
    );
    const kept = badRatingEvent({ at: `${monthStart} 10:12:00` });
    await pub.event('HA-0001', kept);

    const byWindow = async (url: string) => {
      const data = await consoleJson(url, `api/stats?from=${monthStart}&to=${today}&by=window`);
      return data.tables[0].rows.map((r: unknown[]) => r.slice(0, 4));
    };
    await expect
      .poll(() => byWindow(first.url), { timeout: 20_000 })
      .toEqual([
        ['7 号窗口', '7', 4, 1],
        ['12 号窗口', '12', 9, 7 / 9],
      ]);
    await expect.poll(async () => (await seen(`api/alerts?from=${monthStart}`)).total).toBe(1);
    const before = await seen(`api/stats?from=${monthStart}&to=${today}&by=dept`);

    // Down: 差评 go to the broker's queue for the console's session; a day is republished
    // with fewer counts (a merge, a store replaced); another is cleared on the broker.
    await first.stop();
    const whileDown = [
      badRatingEvent({ at: `${today} 09:01:00` }),
      badRatingEvent({ at: `${today} 09:02:00`, level: 1, evalDetail: '115' }),
    ];
    for (const e of whileDown) await pub.event('HA-0002', e);
    await pub.event('HA-0001', kept); // the same 差评 again: a redelivery
    await pub.stats(statsPayload('HA-0001', monthStart, '12', [{ hour: '09', levels: [1, 0, 0, 0, 0] }]));
    await pub.raw(`HA-0002/stats/${monthStart}`, '', true);

    const second = await consoleOn(b, dir);
    expect(second.clientId).toBe(first.clientId);
    expect(second.clientId).toMatch(/^hcp-hall-350521-[0-9a-f]{8}$/);
    await expect
      .poll(async () => (await consoleJson(second.url, `api/alerts?from=${monthStart}`)).total, {
        timeout: 20_000,
      })
      .toBe(3);
    const list = await consoleJson(second.url, `api/alerts?from=${monthStart}`);
    expect(list.alerts.map((a: { eventId: string }) => a.eventId).sort()).toEqual(
      [kept.eventId, ...whileDown.map((e) => e.eventId)].sort(),
    );
    // The department by its name, the reasons by the national catalogue's words.
    expect(list.alerts.find((a: { level: number }) => a.level === 1)).toMatchObject({
      deptName: '县市场监督管理局',
      reasons: ['服务态度差效率低'],
      window: '12 号窗口',
    });
    // HA-0001's day went down to its latest message; HA-0002's cleared day is still kept.
    await expect
      .poll(() => byWindow(second.url), { timeout: 20_000 })
      .toEqual([
        ['7 号窗口', '7', 4, 1],
        ['12 号窗口', '12', 1, 1],
      ]);
    await second.stop();

    // Started once more with nothing new: the same figures as before it stopped.
    const third = await consoleOn(b, dir);
    const after = await consoleJson(third.url, `api/stats?from=${monthStart}&to=${today}&by=window`);
    expect(after.tables[0].rows.map((r: unknown[]) => r.slice(0, 4))).toEqual([
      ['7 号窗口', '7', 4, 1],
      ['12 号窗口', '12', 1, 1],
    ]);
    expect((await consoleJson(third.url, `api/alerts?from=${monthStart}`)).total).toBe(3);
    expect(before.tables[0].rows.length).toBe(2);
    expect(third.run.stderr()).toBe('');
  });

  it('refuses a second console on the same data folder, naming the folder', async () => {
    const b = await broker();
    const dir = tempDir('hcp-hall-data-');
    const first = await consoleOn(b, dir);
    const second = runCli(['hall', '--broker', b.url, '--hall', '350521', '--port', '0', '--data', dir]);
    cleanups.push(() => second.child.kill('SIGTERM'));
    expect(await second.exit).toBe(1);
    expect(second.stderr().trim()).toBe(
      `haochaping-terminal hall: the data folder ${dir} is in use by another console (pid ${first.run.child.pid}, ${first.url}); one console per folder — give this one its own with --data DIR`,
    );
    // The first one is unharmed, and once it has stopped the folder is free (even after a kill -9).
    expect(first.run.child.exitCode).toBeNull();
    first.run.child.kill('SIGKILL');
    await first.run.exit;
    const next = await consoleOn(b, dir);
    expect(next.clientId).toBe(first.clientId);
  });

  it('refuses a data folder that keeps another hall', async () => {
    const b = await broker();
    const dir = tempDir('hcp-hall-data-');
    const first = await consoleOn(b, dir);
    await first.stop();
    const other = runCli(['hall', '--broker', b.url, '--hall', '350522', '--port', '0', '--data', dir]);
    expect(await other.exit).toBe(2);
    expect(other.stderr()).toContain(
      `the data folder ${dir} keeps the figures of hcp/350521, not hcp/350522`,
    );
    expect(readFileSync(join(dir, 'hall.db')).length).toBeGreaterThan(0);
  });

  it('checks, bounds and counts hostile stats, and never shows their texts as markup', async () => {
    const b = await broker();
    const hall = await consoleOn(b, tempDir('hcp-hall-data-'));
    const pub = await publisher(b);
    const good = statsPayload('HA-0001', today, '12', [{ hour: '09', levels: [1, 0, 0, 0, 0] }]);
    const hostile: [string, string | Buffer][] = [
      [`HA-0001/stats/${today}`, JSON.stringify({ ...good, hallId: '350522' })], // another hall
      [`HA-0001/stats/${today}`, JSON.stringify({ ...good, terminalId: 'HA-0002' })], // another terminal
      [`HA-0001/stats/${monthStart === today ? '2026-01-01' : monthStart}`, JSON.stringify(good)], // another day
      [
        `HA-0001/stats/${today}`,
        JSON.stringify({ ...good, rows: [{ ...good.rows[0], levels: { '5': -1 } }] }),
      ],
      [`HA-0001/stats/${today}`, Buffer.alloc(300 * 1024, 0x20)], // past 256 KiB
      [`HA-0001/stats/2030-01-01`, JSON.stringify({ ...good, day: '2030-01-01' })], // a day not yet come
      [`HA-0001/stats/${today}`, '{"rows":'],
    ];
    for (const [topic, payload] of hostile) await pub.raw(topic, payload);
    const evil = '<img src=x onerror="window.__pwned=1">';
    await pub.stats(
      statsPayload('HA-0001', today, evil, [
        {
          hour: '09',
          levels: [1, 0, 0, 1, 0],
          deptName: evil,
          deptCode: '<b>D</b>',
          taskName: evil,
          clerkId: evil.slice(0, 40),
          reasons: { '214': 1 },
        },
      ]),
    );
    const page = await (await browser().newContext()).newPage();
    cleanups.push(() => page.context().close());
    await page.goto(hall.url);
    await expect
      .poll(() => page.locator('body').getAttribute('data-refused'), { timeout: 20_000 })
      .toBe(String(hostile.length));
    expect(await page.locator('#refused-detail').textContent()).toBe(
      '（消息过大 1，非 JSON 1，字段不符 1，终端、大厅或日期不符 3，日期不合理 1）',
    );
    for (const by of ['window', 'dept', 'task', 'clerk']) {
      await page.goto(new URL(`stats?from=${today}&to=${today}&by=${by}`, hall.url).href);
      await page.waitForSelector('body[data-ready="true"]');
      const first = await page.locator('[data-table="groups"] tbody td').first().textContent();
      expect(first).toContain('<');
      expect(await page.locator('main img, .figure-table b, main script').count()).toBe(0);
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The CSV writes a text that Excel would take for a formula as text.
    await pub.stats(
      statsPayload('HA-0002', today, '7', [
        { hour: '09', levels: [1, 0, 0, 0, 0], deptName: '=HYPERLINK("http://x","y")' },
      ]),
    );
    await expect
      .poll(
        async () =>
          (await consoleJson(hall.url, `api/stats?from=${today}&to=${today}&by=dept`)).tables[0].rows.length,
      )
      .toBe(2);
    const csv = await fetch(
      new URL(`export/stats.csv?from=${today}&to=${today}&by=dept&table=groups`, hall.url),
    );
    expect(await csv.text()).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it("asks for a figure page's data with the page, once, and puts no markup of its address in the page", async () => {
    const b = await broker();
    const hall = await consoleOn(b, tempDir('hcp-hall-data-'));
    // A raw request: the quotes and brackets reach the server as they are.
    const raw = await new Promise<string>((resolve, reject) => {
      const port = Number(new URL(hall.url).port);
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `GET /stats?by="><b>x</b>&from=${today} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let got = '';
      socket.on('data', (d) => {
        got += d;
      });
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw).not.toContain('<b>x</b>');
    expect(raw).toContain(
      `<link rel="preload" as="fetch" crossorigin="anonymous" href="api/stats?by=%22%3E%3Cb%3Ex%3C/b%3E&amp;from=${today}">`,
    );
    // In Chromium the page takes the answer already on its way: one request for its data.
    const page = await browser().newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/stats') asked.push(r.url());
    });
    await page.goto(new URL(`stats?from=${monthStart}&to=${today}&by=dept`, hall.url).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(asked).toEqual([new URL(`api/stats?from=${monthStart}&to=${today}&by=dept`, hall.url).href]);
    await page.close();
  });

  it("has the hall broker's sample configuration (docs/fleet) hold the console's settings of docs/hall.md", () => {
    // The two are never applied together (Mosquitto refuses a repeated persistence_location),
    // so the hall's one file must keep a week of 差评 for the console by itself.
    const page = readFileSync(new URL('../../docs/hall.md', import.meta.url), 'utf8');
    const conf = /```conf\n(# \/etc\/mosquitto\/conf\.d\/hcp-hall-console\.conf[\s\S]*?)```/.exec(page)?.[1];
    const fleet = readFileSync(new URL('../../docs/fleet/mosquitto.conf', import.meta.url), 'utf8');
    const settings = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(settings(conf ?? '').length).toBeGreaterThan(4);
    for (const line of settings(conf ?? '')) expect(settings(fleet), line).toContain(line);
    // What it says survives a restart is what docs/hall.md relies on: the console's session too.
    const comment = /((?:^#.*\n)+)persistence true/m.exec(fleet)?.[1] ?? '';
    expect(comment).toMatch(/console's\s+(#\s+)?persistent\s+(#\s+)?session/);
    expect(comment).toContain('差评');
  });

  it("keeps a week's 差评 through a broker restart with the Mosquitto settings of docs/hall.md", async () => {
    const page = readFileSync(new URL('../../docs/hall.md', import.meta.url), 'utf8');
    const conf = /```conf\n(# \/etc\/mosquitto\/conf\.d\/hcp-hall-console\.conf[\s\S]*?)```/.exec(page)?.[1];
    expect(conf).toContain('persistence true');
    const store = tempDir('hcp-mosq-store-');
    const b = await Broker.start({
      raw: (port) =>
        `${(conf as string).replace('/var/lib/mosquitto/', `${store}/`)}\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`,
    });
    cleanups.push(() => b.dispose());
    const dir = tempDir('hcp-hall-data-');
    const first = await consoleOn(b, dir);
    await first.stop();
    // Away: 差评 queue up for its session; the broker restarts (saving and reloading them).
    const pub = await TestPublisher.connect(b.url);
    const queued = Array.from({ length: 30 }, (_, i) =>
      badRatingEvent({ at: `${today} 09:${String(i).padStart(2, '0')}:00` }),
    );
    for (const e of queued) await pub.event('HA-0001', e);
    await pub.close();
    await b.restart();
    const second = await consoleOn(b, dir);
    await expect
      .poll(async () => (await consoleJson(second.url, `api/alerts?from=${today}`)).total, {
        timeout: 20_000,
      })
      .toBe(30);
    const ids = (await consoleJson(second.url, `api/alerts?from=${today}`)).alerts.map(
      (a: { eventId: string }) => a.eventId,
    );
    expect(ids.sort()).toEqual(queued.map((e) => e.eventId).sort());
  });
});
