// A made-up fourth platform profile (test/fixtures/profiles/echo-profile.ts) added with
// one line, the registry below: it loads, its keys are checked with its own words, its
// records are forwarded by the real forwarder from a real SQLite store to a real HTTP
// platform, and doctor prints its line. Nothing else in the program names it.

import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger.js';
import { describeConfig, loadConfig } from '../../../src/config/load.js';
import { runDoctor } from '../../../src/doctor/run-doctor.js';
import { startForwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { BUILT_IN_PROFILES } from '../../../src/profiles/registry.js';
import { RatingStore } from '../../../src/store/store.js';
import { type EchoRecord, echoProfile } from '../../fixtures/profiles/echo-profile.js';
import { freePort, waitFor } from '../../helpers/cli.js';
import { coreConfig, request } from '../../helpers/core-fixture.js';
import { tempDir } from '../../helpers/temp.js';

// The one line that adds the profile.
const PROFILES = [...BUILT_IN_PROFILES, echoProfile];

const TOKEN = 'echo-token-4f9c2e';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The echo platform: takes a POST of JSON records carrying the right bearer token. */
interface EchoSim {
  url: string;
  received: EchoRecord[];
  requests: { path: string; status: number }[];
}

async function startEchoSim(): Promise<EchoSim> {
  const sim: EchoSim = { url: '', received: [], requests: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        sim.requests.push({ path: req.url ?? '', status });
        res.writeHead(status, { 'Content-Type': 'application/json', Date: new Date().toUTCString() });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/hall/ratings') return answer(404, { error: 'no such path' });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(401, { error: 'bad token' });
      let records: EchoRecord[];
      try {
        records = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: EchoRecord[] }).records;
      } catch {
        return answer(400, { error: 'not JSON' });
      }
      sim.received.push(...records);
      answer(200, { accepted: records.map((r) => r.id) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sim;
}

/** A configuration file with an echo platform section; `platform` replaces keys of it. */
async function configFile(url: string, platform: Record<string, unknown> = {}): Promise<string> {
  const dir = tempDir('hcp-echo-');
  const file = join(dir, 'config.json');
  const config = {
    terminal: { id: 'EC-0001', areaCode: '350521', mode: 'kiosk' },
    keypad: { driver: 'none' },
    store: { path: join(dir, 'terminal.db') },
    log: { dir: join(dir, 'logs') },
    // Ports of our own: a terminal may be running on the default ones beside the test.
    api: { port: await freePort() },
    ui: { port: await freePort() },
    platform: { url, profile: 'echo', token: TOKEN, path: '/hall/ratings', ...platform },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

describe('a fourth platform profile added with one registry line', () => {
  it('loads, with its defaults filled in and its secret redacted', async () => {
    const file = await configFile('http://127.0.0.1:9', { path: undefined });
    const loaded = loadConfig(file, { profiles: PROFILES });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.platform).toEqual({
      url: 'http://127.0.0.1:9',
      channel: 5,
      timeoutSeconds: 10,
      profile: 'echo',
      token: TOKEN,
      path: '/ratings',
      perRequest: 10,
    });
    // Its indicator policy: INVITE is on by default, as with the reference profile.
    expect(loaded.config.prompt.invite.enabled).toBe(true);
    expect(describeConfig(loaded.config, PROFILES).platform).toMatchObject({ token: '***' });
    expect(loaded.warnings).toEqual([]);
    // The built-in registry does not know it.
    const without = loadConfig(file);
    expect(without.ok).toBe(false);
    if (!without.ok) expect(without.errors.join('\n')).toContain('platform.profile');
  });

  it('refuses a bad key with its own words, and a key of another profile', async () => {
    const file = await configFile('http://127.0.0.1:9', { token: 'two words', appKey: 'k' });
    const loaded = loadConfig(file, { profiles: PROFILES });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors).toEqual([
      // Its secret is never printed: the key is marked secret in the descriptor.
      `${file}: platform.token: found text (not shown: it is a secret), expected the bearer token the echo platform issued, as text (no spaces)`,
      `${file}: platform.appKey is a key of the fujian profile, not of echo; remove it, or check platform.profile`,
    ]);
    expect(loaded.errors.join('\n')).not.toContain('two words');

    const missing = loadConfig(await configFile('http://127.0.0.1:9', { token: undefined }), {
      profiles: PROFILES,
    });
    expect(missing.ok ? [] : missing.errors).toEqual([
      expect.stringContaining(
        'platform.token is missing; it is required with platform.profile echo (the bearer token the echo platform issued)',
      ),
    ]);

    // What only its adapter's check sees, with its advice.
    const query = await configFile('http://127.0.0.1:9', { path: '/ratings?x=1' });
    expect(loadConfig(query, { profiles: PROFILES })).toEqual({
      ok: false,
      errors: [`${query}: platform.path: no query or fragment; write a path such as /ratings`],
    });
  });

  it('forwards ratings from the SQLite store through the forwarder to its platform', async () => {
    const sim = await startEchoSim();
    const loaded = loadConfig(await configFile(sim.url), { profiles: PROFILES });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { config } = loaded;
    const openStore = () => RatingStore.open({ path: config.store.path, keyFile: config.store.keyFile });
    const terminal = new Terminal({ config: coreConfig({ mode: 'kiosk', channel: 5 }), openStore });
    terminal.start();
    cleanup.push(() => terminal.stop());
    const forwarding = startForwarding(
      { platform: config.platform, store: config.store },
      terminal,
      silentLogger,
      {
        profiles: PROFILES,
      },
    );
    cleanup.push(() => forwarding.stop());

    const opened = terminal.openPrompt(request({ transactionId: 'TX-ECHO-1' }));
    expect(opened.ok).toBe(true);
    terminal.intent({ type: 'rate', level: 4 });
    const id = terminal.getPrompt(opened.promptId as string)?.records[0]?.id as string;
    await waitFor(() => sim.received.some((r) => r.id === id), 'the rating at the echo platform', 5_000);
    expect(sim.received.find((r) => r.id === id)).toEqual({
      id,
      transactionId: 'TX-ECHO-1',
      level: 4,
      channel: 5,
    });
    await waitFor(() => forwarding.status().state === 'online', 'forwarding online', 5_000);
    const db = new Database(config.store.path, { readonly: true });
    try {
      await waitFor(
        () =>
          (db.prepare('SELECT state FROM records WHERE id = ?').get(id) as { state: string }).state ===
          'delivered',
        'the record delivered',
        5_000,
      );
    } finally {
      db.close();
    }
  });

  it('shows in doctor with its own line, and its own advice when the token is refused', async () => {
    const sim = await startEchoSim();
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    await runDoctor({ configFile: await configFile(sim.url), keys: false, profiles: PROFILES }, io);
    expect(lines).toContain(`ok   platform: ${sim.url}: the echo platform took the token (HTTP 200)`);
    expect(sim.requests).toEqual([{ path: '/hall/ratings', status: 200 }]);

    lines.length = 0;
    await runDoctor(
      { configFile: await configFile(sim.url, { token: 'not-the-token' }), keys: false, profiles: PROFILES },
      io,
    );
    expect(lines.find((l) => l.includes(' platform: '))).toBe(
      `FAIL platform: ${sim.url} refused the credentials (HTTP 401 ({"error":"bad token"})) — check platform.token against what the echo platform issued`,
    );
  });
});
