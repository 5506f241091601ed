// The two topologies end to end, in Debian's Chromium with the KP/1 keypad simulator:
// a terminal elsewhere on the network reached through `haochaping-terminal gwq-relay` on
// the clerk's PC, and a terminal on the clerk's PC at the SDK's own ws://localhost:1919.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Run, runCli, waitFor } from '../helpers/cli.js';
import { answered, BusinessPage, gwqSiteForFile, serveGwqPage } from '../helpers/gwq-page.js';
import { Hall } from '../helpers/hall.js';
import { portHolder } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'relay-T0ken-e2e-51f0c3';

const { browser, site } = gwqSiteForFile();

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
});

async function open(port: number, host = '127.0.0.1'): Promise<BusinessPage> {
  const p = await BusinessPage.open(browser(), site(), port, host);
  cleanup.push(() => p.close());
  return p;
}

async function rate(h: Hall, p: BusinessPage, key: 1 | 5, n: number) {
  await p.startEvaluator();
  await h.screen('rate');
  await h.page.waitForTimeout(350);
  await h.keypad?.press(key);
  if (key === 5) {
    await h.screen('reasons');
    await h.keypad?.press(3);
    await h.keypad?.press(5);
  }
  const answer = await answered(p, n);
  await h.screen('idle', 15_000);
  return answer;
}

describe('GWQ across the network, through the relay', () => {
  it('rates on the terminal elsewhere through gwq-relay, with the page origin and token checked there', {
    timeout: 180_000,
  }, async () => {
    const h = await Hall.open(browser(), {
      gwq: {
        answerLevel: true,
        host: '0.0.0.0',
        origins: [site().origin],
        allowFrom: ['127.0.0.1'],
        token: TOKEN,
      },
    });
    cleanup.push(() => h.close());
    const port = h.gwqPort;
    expect(h.process.stdout()).toContain(`GWQ evaluator protocol: ws://0.0.0.0:${port}`);
    const dir = tempDir();
    writeFileSync(join(dir, 'gwq-token'), `${TOKEN}\n`, { mode: 0o600 });
    const relay: Run = runCli([
      'gwq-relay',
      '--to',
      `127.0.0.1:${port}`,
      '--token-file',
      join(dir, 'gwq-token'),
      '--port',
      '0',
    ]);
    cleanup.push(async () => {
      relay.child.kill('SIGTERM');
      await relay.exit;
    });
    await waitFor(
      () => /pages at ws:\/\/127\.0\.0\.1:\d+/.test(relay.stdout()) || relay.child.exitCode !== null,
      'the relay',
      15_000,
    );
    const relayPort = Number(/pages at ws:\/\/127\.0\.0\.1:(\d+)/.exec(relay.stdout())?.[1]);

    const p = await open(relayPort);
    await p.opened();
    expect(await rate(h, p, 1, 1)).toEqual({ type: 10, ret: 0, level: 1 });
    expect(await rate(h, p, 5, 2)).toEqual({ type: 10, ret: 0, level: 4 });
    await p.send('{"type":12}');
    expect(await answered(p, 3)).toEqual({ type: 12, ret: -3 });

    // The page's Origin decides at the terminal: a page of another site is refused there,
    // and the relay refuses its upgrade in turn.
    const other = await serveGwqPage();
    cleanup.push(() => other.close());
    const foreign = await BusinessPage.open(browser(), other, relayPort);
    cleanup.push(() => foreign.close());
    await expect(foreign.opened()).rejects.toThrow(/did not open \(closed\)/);
    // Straight at the terminal, without the relay's token: refused too.
    const direct = await open(port);
    await expect(direct.opened()).rejects.toThrow(/did not open/);
    expect(relay.stderr()).toContain('gwq_relay_refused status=403');
    expect(relay.stderr()).not.toContain(TOKEN);
    expect(h.platform.accepted.size).toBe(0);
  });
});

describe("GWQ on the clerk's PC", () => {
  it('answers the SDK at ws://localhost:1919 by default', { timeout: 120_000 }, async () => {
    // The default port must be free for this one test: say who holds it otherwise.
    const holder = portHolder(1919);
    if (holder) throw new Error(`port 1919 is held by ${holder}: stop it to run this test`);
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (err) => reject(new Error(`port 1919 cannot be listened on: ${err.message}`)));
      probe.listen(1919, '127.0.0.1', () => probe.close(() => resolve()));
    });
    const h = await Hall.open(browser(), {
      gwq: { answerLevel: true, origins: [site().origin] },
      gwqDefaultPort: true,
    });
    cleanup.push(() => h.close());
    expect(h.process.stdout()).toContain('GWQ evaluator protocol: ws://127.0.0.1:1919');
    // As the SDK's pages open it.
    const p = await open(1919, 'localhost');
    await p.opened();
    expect(await rate(h, p, 1, 1)).toEqual({ type: 10, ret: 0, level: 1 });
    await p.stopEvaluator();
    expect(await answered(p, 2)).toEqual({ type: 2, ret: 0 });
  });
});
