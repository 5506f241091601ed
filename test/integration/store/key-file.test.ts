// The key file: made durably on first use, and never a reason to stop rating. A damaged
// one (torn by a power cut, a disk fault, a bad restore) is moved aside for a
// technician, a new key seals new data, and what was sealed under the old one keeps
// its rating and goes to the platform without the personal fields.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/base/logger.js';
import { checkKeyFile } from '../../../src/doctor/store-check.js';
import { startForwarding } from '../../../src/engine/forwarding.js';
import { Terminal } from '../../../src/engine/terminal.js';
import { KeyFileError, loadOrCreateKey } from '../../../src/store/seal.js';
import { coreConfig, request } from '../../helpers/core-fixture.js';
import { citizen, promptRecord, ratingRecord } from '../../helpers/records.js';
import { PlatformSim } from '../../sim/platform-sim.js';
import { APP_MARK, openStore, SECRET, storeFiles } from '../sync/helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const DAMAGE: [string, string | Buffer][] = [
  ['empty, as a power cut leaves a key never fsynced', ''],
  ['cut short', `${Buffer.alloc(32, 1).toString('base64').slice(0, 20)}\n`],
  ['not base64', `${'!'.repeat(43)}=\n`],
  ['binary garbage', Buffer.from([0, 255, 13, 10, 7, 0, 0, 1])],
];

/** A store holding personal data sealed under the current key: an open prompt, a draft, a final. */
function storeWithSealedData() {
  const files = storeFiles();
  const store = openStore(files);
  store.apply([
    { op: 'prompt_open', prompt: promptRecord({ id: 'p-open', transactionId: 'TX-o', citizen }) },
  ]);
  store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-1', transactionId: 'TX-1', citizen }) }]);
  store.apply([
    {
      op: 'records_put',
      records: [
        ratingRecord({ id: 'r-draft', promptId: 'p-1', level: 3, citizen, final: false }),
        ratingRecord({ id: 'r-final', promptId: 'p-1', level: 4, citizen, final: true }),
      ],
    },
  ]);
  store.close();
  return files;
}

describe('the key file', () => {
  it('is made once, 0600, whole, with no temporary file left; later opens read the same key', () => {
    const files = storeFiles();
    const first = loadOrCreateKey(files.keyFile);
    expect(first.movedAside).toBeNull();
    expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(files.keyFile, 'utf8')).toBe(`${first.key.toString('base64')}\n`);
    expect(loadOrCreateKey(files.keyFile).key.equals(first.key)).toBe(true);
    expect(readdirSync(files.dir)).toEqual(['terminal.key']);
  });

  for (const [what, content] of DAMAGE) {
    it(`damaged (${what}): moved aside, a new key made, old records keep their rating without personal data`, () => {
      const files = storeWithSealedData();
      writeFileSync(files.keyFile, content);

      const store = openStore(files);
      cleanup.push(() => store.close());
      const moved = store.keyFault?.movedAside as string;
      expect(moved).toMatch(/terminal\.key\.damaged-\d{8}T\d{6}$/);
      expect(readFileSync(moved)).toEqual(Buffer.from(content));
      expect(store.keyFault?.unreadableRecords).toBe(2);
      expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(files.keyFile, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);

      // A restart picks up what it must, without the citizen it can no longer read.
      const facts = store.recovery();
      expect(facts.drafts.map((r) => [r.id, r.level, r.citizen])).toEqual([['r-draft', 3, null]]);
      expect(facts.unfinished.map((p) => [p.id, p.citizen]).sort()).toEqual([
        ['p-1', null],
        ['p-open', null],
      ]);
      // The final record is forwarded with its rating, without the personal fields.
      const claimed = store.outbox().claim(10, 5_000, 10_000);
      expect(claimed.map((i) => [i.record.id, i.record.level, i.record.citizen])).toEqual([
        ['r-final', 4, null],
      ]);
      // New data is sealed under the new key and reads back.
      store.apply([
        { op: 'prompt_open', prompt: promptRecord({ id: 'p-new', transactionId: 'TX-n', citizen }) },
      ]);
      expect(store.recovery().unfinished.find((p) => p.id === 'p-new')?.citizen).toEqual(citizen);

      // doctor names the moved file until a technician deals with it.
      const finding = checkKeyFile({ path: files.path, keyFile: files.keyFile, retentionDays: 90 });
      expect(finding?.status).toBe('FAIL');
      expect(finding?.text).toContain(moved);
      expect(finding?.todo).toContain('restore');
      // The next start finds a good key: nothing more is moved.
      store.close();
      const again = openStore(files);
      expect(again.keyFault).toBeNull();
      again.close();
    });
  }

  it('never stops rating: the Terminal says so in its log, rates on, and the platform gets the old record without personal fields', {
    timeout: 30_000,
  }, async () => {
    const files = storeWithSealedData();
    writeFileSync(files.keyFile, '');
    const sim = await PlatformSim.start({ appMark: APP_MARK, secret: SECRET, maxSkewMs: 300_000 });
    cleanup.push(() => sim.close());
    const logged: { level: string; event: string; fields: Record<string, unknown> | undefined }[] = [];
    const log: Logger = { log: (level, event, fields) => logged.push({ level, event, fields }) };
    const terminal = new Terminal({
      config: coreConfig({ mode: 'kiosk', channel: 5 }),
      openStore: () => openStore(files),
      log,
    });
    terminal.start();
    cleanup.push(() => terminal.stop());
    expect(terminal.health().store).toBe('ok');
    const line = logged.find((l) => l.event === 'key_moved_aside');
    expect(line?.level).toBe('error');
    expect(String(line?.fields?.message)).toMatch(/terminal\.key\.damaged-\d{8}T\d{6}/);
    expect(String(line?.fields?.message)).toContain('2 records');

    const forwarding = startForwarding(
      {
        platform: {
          url: sim.url,
          profile: 'reference',
          appMark: APP_MARK,
          secret: SECRET,
          channel: 5,
          timeoutSeconds: 5,
        },
        store: { path: files.path, keyFile: files.keyFile, retentionDays: 90 },
      },
      terminal,
      log,
    );
    cleanup.push(() => forwarding.stop());
    // A new citizen rates under their real name: sealed with the new key.
    const opened = terminal.openPrompt(request({ transactionId: 'TX-new', citizen }), { replace: true });
    expect(opened.ok).toBe(true);
    terminal.intent({ type: 'real_name', on: true });
    terminal.intent({ type: 'rate', level: 5 });

    const deadline = Date.now() + 20_000;
    while (sim.accepted.size < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sent = [...sim.accepted.values()];
    const old = sent.filter((r) => r.projectNo === 'TX-1');
    // The draft became final at the restart; both old records arrive, each rating kept.
    expect(old.map((r) => r.satisfaction).sort()).toEqual([3, 4]);
    for (const r of old) expect(r.userName).toBeUndefined();
    const fresh = sent.find((r) => r.projectNo === 'TX-new');
    expect(fresh?.userName).toBe(citizen.name);
    expect(sim.acceptedTwice()).toEqual([]);
  });

  it('a key path that cannot be read as a file is an error to fix, not a key to move aside', () => {
    const files = storeFiles();
    mkdirSync(files.keyFile);
    expect(() => loadOrCreateKey(files.keyFile)).toThrow(KeyFileError);
    expect(() => loadOrCreateKey(files.keyFile)).toThrow(/cannot read the key file .*EISDIR/);
    expect(readdirSync(files.dir)).toEqual(['terminal.key']);
  });
});
