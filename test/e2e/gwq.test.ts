// A business system driving the terminal as a GWQ evaluator, end to end: the real `serve`
// process with compat.gwq, the KP/1 keypad simulator on a socat pty, the screens and the
// business system's page (written as the SDK's JavaScript wrapper is) in Debian's Chromium,
// and the reference platform simulator, which must never receive a GWQ rating.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { auditScreen } from '../helpers/audit.js';
import { answered, BusinessPage, gwqSiteForFile } from '../helpers/gwq-page.js';
import { Hall, type HallOptions } from '../helpers/hall.js';
import { decodeWithJsQr, decodeWithZbar } from '../integration/qr/decoders.js';

const { browser, site } = gwqSiteForFile();

const halls: Hall[] = [];
const pages: BusinessPage[] = [];
afterEach(async () => {
  for (const p of pages.splice(0)) await p.close().catch(() => undefined);
  for (const h of halls.splice(0)) await h.close();
});

async function hall(gwq: Record<string, unknown>, options: HallOptions = {}) {
  const h = await Hall.open(browser(), {
    ...options,
    gwq: { origins: [site().origin], pageOrigins: ['https://zwfw.example.gov.cn'], ...gwq },
  });
  halls.push(h);
  return { h, port: h.gwqPort };
}

async function businessPage(port: number, host = '127.0.0.1'): Promise<BusinessPage> {
  const p = await BusinessPage.open(browser(), site(), port, host);
  pages.push(p);
  await p.opened();
  return p;
}

/** The records as kept, with their prompt's 办件编号. */
function kept(h: Hall): { state: string; transactionId: string; level: number; reasons: string[] }[] {
  const db = new Database(h.dbPath, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare('SELECT state, body FROM records ORDER BY seq').all() as { state: string; body: string }[]
    ).map((r) => {
      const body = JSON.parse(r.body);
      return { state: r.state, transactionId: body.transactionId, level: body.level, reasons: body.reasons };
    });
  } finally {
    db.close();
  }
}

function logText(h: Hall): string {
  return readFileSync(join(h.dir, 'logs', 'terminal.log'), 'utf8');
}

describe('a business system driving the terminal through the GWQ protocol', () => {
  it('rates 好评 and 差评 with reasons on the keypad, cancels, is refused while busy, and reaches no platform', {
    timeout: 240_000,
  }, async () => {
    const { h, port } = await hall({ answerLevel: true });
    const kp = h.keypad;
    if (!kp) throw new Error('the hall has no keypad');
    // The local API gave clerk 0427 a department earlier; the GWQ call names only the clerk.
    expect(
      (
        await h.api('PUT', '/v1/clerk', {
          id: '0427',
          name: '林晓',
          department: { code: 'D-TAX', name: '县税务局' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.api('PUT', '/v1/clerk', {
          id: '0107',
          name: '陈明',
          department: { code: 'D-MKT', name: '县市场监管局' },
        })
      ).status,
    ).toBe(200);
    const p = await businessPage(port);

    // 好评: 非常满意 on key 1 is the SDK's 1.
    await p.startEvaluator();
    await h.screen('rate');
    // An ordinary prompt on screen, but with no QR code (its 办件编号 is made up), though
    // the hall has qr configured: the API's prompts show one.
    expect(await h.page.locator('figure.qr').count()).toBe(0);
    const current = await h.api('GET', '/v1/prompts/current');
    expect(current.body).toMatchObject({
      source: 'gwq',
      final: false,
      qr: null,
      transactionId: 'GWQ-HA-0001-1',
    });
    expect(await p.answers()).toEqual([]);
    await h.page.waitForTimeout(350);
    expect((await kp.press(1)).acked).toBe(true);
    await h.screen('thanks');
    expect(await answered(p, 1)).toEqual({ type: 10, ret: 0, level: 1 });
    await h.screen('idle');
    await h.page.waitForSelector('.clerk-name:text("林晓")');
    await h.page.waitForSelector('.clerk :text("县税务局")');

    // 差评 with two reasons chosen on the keypad: the SDK's 4, the reasons stay here.
    await p.startEvaluator();
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await kp.press(5); // 非常不满意
    await h.screen('reasons');
    expect(await p.answers()).toHaveLength(1);
    await kp.press(3); // select the first reason
    await kp.press(2); // next
    await kp.press(3); // select it
    await kp.press(5); // submit
    await h.screen('thanks');
    expect(await answered(p, 2)).toEqual({ type: 10, ret: 0, level: 4 });

    // 不满意, its reasons left to time out: still 4.
    await p.startEvaluator('林晓', '0427', '', 60);
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await kp.press(4);
    await h.screen('reasons');
    await kp.press(5);
    expect(await answered(p, 3)).toEqual({ type: 10, ret: 0, level: 4 });

    // The clerk's side ends it before a rating: −9; on the reasons screen: it runs to its end.
    await h.screen('idle', 15_000);
    await p.startEvaluator();
    await h.screen('rate');
    await p.stopEvaluator();
    expect(await answered(p, 5)).toEqual({ type: 10, ret: -9 });
    expect((await p.answers())[3]).toEqual({ type: 2, ret: 0 });
    await h.screen('idle');
    await p.startEvaluator();
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await kp.press(5);
    await h.screen('reasons');
    await p.stopEvaluator();
    expect(await answered(p, 6)).toEqual({ type: 2, ret: 0 });
    await h.page.waitForTimeout(500);
    await h.screen('reasons');
    await kp.press(3);
    await kp.press(5);
    expect(await answered(p, 7)).toEqual({ type: 10, ret: 0, level: 4 });

    // 不评价 on the touch screen: −9.
    await h.screen('idle', 15_000);
    await p.startEvaluator();
    await h.screen('rate');
    await h.tap('不评价');
    expect(await answered(p, 8)).toEqual({ type: 10, ret: -9 });

    // Busy: a prompt of the local API on screen, a second call on the same page, a paused clerk.
    const prompt = await h.prompt();
    expect(await h.page.locator('figure.qr').count()).toBe(1);
    await p.startEvaluator();
    expect(await answered(p, 9)).toEqual({ type: 10, ret: -7 });
    expect((await h.api('DELETE', `/v1/prompts/${prompt}`)).status).toBe(204);
    await h.screen('idle');
    await p.startEvaluator('林晓', '0427', '', 5);
    await h.screen('rate');
    await p.startEvaluator();
    expect(await answered(p, 10)).toEqual({ type: 10, ret: -7 });
    // Its own Timeout (5 s): −2.
    expect(await answered(p, 11)).toEqual({ type: 10, ret: -2 });
    expect((await h.api('PUT', '/v1/clerk/status', { status: 'paused' })).status).toBe(200);
    await p.startEvaluator();
    expect(await answered(p, 12)).toEqual({ type: 10, ret: -7 });
    expect((await h.api('PUT', '/v1/clerk/status', { status: 'serving' })).status).toBe(200);

    // Devices it has not, and what is not a request.
    for (const [text, answer] of [
      ['{"type":3}', { type: 3, ret: -3 }],
      ['{"type":24,"Url":"x"}', { type: 24, ret: -3 }],
      ['{"type":"10"}', { type: null, ret: -1 }],
      ['not json', { type: null, ret: -1 }],
      ['{"type":10,"TellerNo":"0427"}', { type: 10, ret: -1 }],
    ] as const) {
      const n = (await p.answers()).length;
      await p.send(text);
      expect(await answered(p, n + 1)).toEqual(answer);
    }
    await p.send('{"type":0}');
    expect((await answered(p, 18))?.version).toMatch(/^haochaping-terminal \d+\.\d+\.\d+/);

    // An ordinary prompt of the local API still reaches the platform; no GWQ rating does.
    await h.screen('idle');
    await h.prompt({ transactionId: 'TX-API-1' });
    await kp.press(2);
    await h.screen('thanks');
    const accepted = await h.platformHas(1);
    await h.page.waitForTimeout(1_000);
    expect(h.platform.accepted.size).toBe(1);
    expect(JSON.stringify(accepted)).toContain('TX-API-1');
    expect(JSON.stringify(accepted)).not.toContain('GWQ-');
    const records = kept(h);
    const gwq = records.filter((r) => r.transactionId.startsWith('GWQ-'));
    expect(gwq.map((r) => [r.state, r.level])).toEqual([
      ['local', 5],
      ['local', 1],
      ['local', 2],
      ['local', 1],
    ]);
    expect(gwq[1]?.reasons).toHaveLength(2);
    // n counted in the store: every call that opened a prompt took the next one.
    expect(gwq.map((r) => r.transactionId)).toEqual([
      'GWQ-HA-0001-1',
      'GWQ-HA-0001-2',
      'GWQ-HA-0001-3',
      'GWQ-HA-0001-5',
    ]);
    expect(records.find((r) => r.transactionId === 'TX-API-1')?.state).toBe('delivered');
    expect((await h.api('GET', '/v1/health')).body.queue).toEqual({ pending: 0, rejected: 0 });

    // The log says the prompts opened and ended, never how the citizen rated.
    const log = logText(h);
    expect(log).toContain('"event":"gwq_prompt_opened"');
    expect(log).toContain('"event":"gwq_photo_ignored"');
    expect(log).not.toContain('C:\\\\GWQ');
    expect(log).not.toMatch(/EvaluatorLevel|"level":\d/);
  });

  it('answers EvaluatorLevel 0 with answerLevel false, and shows a page as a QR code on type 90', {
    timeout: 120_000,
  }, async () => {
    const { h, port } = await hall({ answerLevel: false });
    const kp = h.keypad;
    if (!kp) throw new Error('the hall has no keypad');
    const p = await businessPage(port);
    await p.startEvaluator();
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await kp.press(1);
    expect(await answered(p, 1)).toEqual({ type: 10, ret: 0, level: 0 });
    await h.screen('idle', 15_000);
    await p.startEvaluator();
    await h.screen('rate');
    await h.page.waitForTimeout(350);
    await kp.press(5);
    await h.screen('reasons');
    await kp.press(5);
    expect(await answered(p, 2)).toEqual({ type: 10, ret: 0, level: 0 });

    // Type 90: a page of pageOrigins as a QR code the citizen scans; any key closes it.
    await h.screen('idle', 15_000);
    const url = 'https://zwfw.example.gov.cn/hcp/rate?token=PAGE-TOKEN-9';
    await p.showPage(url);
    expect(await answered(p, 3)).toEqual({ type: 90, ret: 0 });
    await h.screen('page_qr');
    await h.page.waitForSelector('main[data-screen="page_qr"] svg[aria-label="扫码评价"]');
    await h.page.waitForSelector('main[data-screen="page_qr"] .clerk-name:text("林晓")');
    // Audited as every citizen's screen is: axe, text size, targets, nothing cut.
    expect(await auditScreen(h.page, 'gwq-page-qr')).toEqual([]);
    // What a phone reads from the screen is the page, whole.
    const png = await h.page.locator('main[data-screen="page_qr"] figure.qr').screenshot();
    expect(decodeWithZbar(png, h.dir, 'page-qr.png')).toBe(url);
    expect(decodeWithJsQr(png)).toBe(url);
    await kp.press(3);
    await h.screen('idle');
    await p.showPage('https://evil.example/rate');
    expect(await answered(p, 4)).toEqual({ type: 90, ret: -1 });
    // A touch closes it too.
    await p.showPage(url);
    await h.screen('page_qr');
    await h.page.click('main[data-screen="page_qr"] figure');
    await h.screen('idle');
    expect(logText(h)).not.toContain('PAGE-TOKEN');
    expect(h.platform.accepted.size).toBe(0);
  });

  it('answers every type 10 with −3 on a training terminal', { timeout: 120_000 }, async () => {
    const { h, port } = await hall({ answerLevel: true }, { training: true });
    const p = await businessPage(port);
    await p.startEvaluator();
    expect(await answered(p, 1)).toEqual({ type: 10, ret: -3 });
    await p.showPage('https://zwfw.example.gov.cn/hcp');
    expect(await answered(p, 2)).toEqual({ type: 90, ret: -3 });
    await h.screen('idle');
  });
});
