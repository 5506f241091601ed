// The log lines that carry a platform's words (a failed exchange's message) and what the
// outbox keeps of them, when the platform quotes the citizen reformatted: a real HTTP
// server answering the forwarder 503 and then 422 with such a message, on a real store.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceAdapter } from '../../../src/sync/adapters/reference.js';
import { Forwarder } from '../../../src/sync/forwarder.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { promptRecord, ratingRecord } from '../../helpers/records.js';
import { openStore, storeFiles } from '../sync/helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const CITIZEN = { name: '张三丰', idNumber: '350521199001011234', phone: '13812345678', type: 1 as const };
const QUOTING = '证件号码 350521 19900101 1234 与姓名 张 三 丰 不符，请联系 138.1234.5678 核实';
const bare = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '');

/** A platform that answers each request with the next of ANSWERS (status, JSON body). */
async function platform(answers: [number, unknown][]): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = answers.shift() ?? [500, { message: 'no more answers' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

describe("log lines carrying a platform's words", () => {
  it('blank every form of the batch’s personal data; the outbox keeps the words sealed and shows them blanked', async () => {
    const url = await platform([
      [503, { code: 'E_BUSY', message: QUOTING }],
      [422, { code: 'E_CERT', message: QUOTING }],
    ]);
    const files = storeFiles();
    const store = openStore(files);
    store.apply([{ op: 'prompt_open', prompt: promptRecord({ id: 'p-1' }) }]);
    store.apply([
      { op: 'records_put', records: [ratingRecord({ id: 'r-1', promptId: 'p-1', citizen: CITIZEN })] },
    ]);
    const lines: { event: string; fields: Record<string, unknown> | undefined }[] = [];
    const clock = new FakeClock(Date.now());
    const fwd = new Forwarder({
      outbox: store.outbox(),
      adapter: createReferenceAdapter({ url, appMark: 'A', secret: 'S' }),
      timeoutMs: 5_000,
      clock,
      random: () => 0.5,
      log: { log: (_level, event, fields) => lines.push({ event, fields }) },
    });
    cleanup.push(async () => {
      await fwd.stop();
      store.close();
    });
    fwd.start();
    for (let i = 0; i < 30 && store.outbox().counts().rejected === 0; i++) {
      await fwd.settled();
      clock.advance(1_000);
    }
    await fwd.settled();
    expect(lines.map((l) => l.event)).toContain('platform_unavailable');
    expect(store.outbox().counts()).toEqual({ pending: 0, rejected: 1 });

    const carrying = lines.filter((l) => JSON.stringify(l.fields ?? {}).includes('证件号码'));
    expect(carrying.length).toBeGreaterThan(0);
    for (const l of lines) {
      const text = bare(JSON.stringify(l.fields ?? {}));
      for (const value of [CITIZEN.idNumber, CITIZEN.name, CITIZEN.phone])
        expect(text, l.event).not.toContain(value);
    }
    const [shown] = store.outbox().rejected();
    expect(shown?.message).toContain('证件号码');
    for (const value of [CITIZEN.idNumber, CITIZEN.name, CITIZEN.phone]) {
      expect(bare(shown?.message ?? ''), shown?.message).not.toContain(value);
    }
    // The forwarder's own status (diagnostics' 最近错误) says no more than the log.
    expect(bare(fwd.status().lastError ?? '')).not.toContain(CITIZEN.idNumber);
  });
});
