// A backlog of queued ratings (2 000 by default; 10 000 and 100 000 in the soak) drained through
// each profile's simulator on loopback: a real store (SQLite file, WAL,
// synchronous=FULL) seeded in one commit, the real Forwarder with its undici transport
// on the real clock, the real adapter, and the simulator decrypting and checking every
// request in this process. Ratings per second from the forwarder's start to the empty
// queue.
//
// Beside it, in the same run, a bare loop doing the same work: the same library calls
// (HMAC-SHA256; SM2; GBK + SM4) on the same rating content, a loopback POST of the same
// bodies to a fresh simulator of the same profile (so the server's work, in this same
// process, is the same on both sides), the answer read. Without the store, the
// forwarder, the adapter's mapping (done before its clock starts) or any durability:
// the ratio is what the terminal's bookkeeping costs.
//
// The national drain uses platform.batchSize 50 (the most the profile allows): at the
// default of 1 each rating costs the simulator two SM2 decryptions (~5 ms each here), and
// 10 000 of them would measure the simulator, not the terminal, for minutes.

import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { sm2 } from 'sm-crypto-v2';
import { Agent, request } from 'undici';
import type { RatingRecord } from '../../src/core/model.js';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../src/profiles/fujian.js';
import { NATIONAL_DEFAULTS } from '../../src/profiles/national.js';
import { openDatabase } from '../../src/store/open.js';
import { RatingStore } from '../../src/store/store.js';
import type { PlatformAdapter } from '../../src/sync/adapter.js';
import { createFujianAdapter, saveRequest, templateValues } from '../../src/sync/adapters/fujian/index.js';
import { fujianSettings } from '../../src/sync/adapters/fujian/settings.js';
import { tokenRequest } from '../../src/sync/adapters/fujian/token.js';
import { createNationalAdapter, nationalEvaluation, nationalTime } from '../../src/sync/adapters/national.js';
import {
  createReferenceAdapter,
  MAX_BATCH as REFERENCE_BATCH,
  referenceRecord,
} from '../../src/sync/adapters/reference.js';
import { parseSm2PublicKey } from '../../src/sync/crypto/index.js';
import { Forwarder } from '../../src/sync/forwarder.js';
import { promptRecord } from '../helpers/records.js';
import { FujianSim } from '../sim/fujian-sim.js';
import { NationalSim } from '../sim/national-sim.js';
import { PlatformSim } from '../sim/platform-sim.js';
import type { Figure } from './format.js';
import { benchRecords } from './platforms-build.js';

/**
 * The default bench's backlog: with the bare loop run twice beside it, 10 000 of
 * Fujian's one-call-a-rating requests alone take minutes on a busy 2-core machine, past
 * the default bench's 5. The soak runs 10 000 and 100 000.
 */
const BACKLOG = 2_000;
const NATIONAL_BATCH = 50;
const APP_CODE = 'app-code-秘';

/** Seeds `records` in one commit, drains them through `adapter`; ratings per second. */
async function drain(adapter: PlatformAdapter, records: RatingRecord[], delivered: () => number) {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-drain-'));
  const store = RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') });
  try {
    const promptId = records[0]?.promptId as string;
    store.apply([
      { op: 'prompt_open', prompt: promptRecord({ id: promptId, transactionId: `TX-${promptId}` }) },
      { op: 'records_put', records },
    ]);
    // The backlog was written over days, and the idle terminal checkpointed as it went:
    // the drain starts with an empty WAL, as the bare loop's durable marks do.
    const checkpoint = new Database(store.path);
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    let done: () => void = () => {};
    const empty = new Promise<void>((resolve) => {
      done = resolve;
    });
    const fwd = new Forwarder({
      outbox: store.outbox(),
      adapter,
      timeoutMs: 30_000,
      onStatus: (s) => {
        if (s.pending === 0) done();
        if (s.state !== 'online' && s.state !== 'offline') done();
      },
    });
    const t0 = process.hrtime.bigint();
    fwd.start();
    await empty;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const status = fwd.status();
    await fwd.stop();
    if (status.pending !== 0 || status.rejected !== 0 || delivered() !== records.length) {
      throw new Error(
        `bench: the drain did not deliver everything: ${JSON.stringify(status)}, ${delivered()} at the simulator`,
      );
    }
    return records.length / s;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `requests` POSTs one after another to `url`, each body made by `body(i)`, each answer
 * read whole and checked by `ok`; requests per second.
 */
async function bareLoop(
  url: string,
  requests: number,
  send: (i: number) => { body: Buffer; headers: Record<string, string> },
  ok: (answer: string) => boolean,
  after: (i: number) => void,
) {
  const agent = new Agent({ connections: 2, maxResponseSize: 1 << 20 });
  try {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const { body, headers } = send(i);
      const res = await request(url, { method: 'POST', dispatcher: agent, headers, body });
      const answer = await res.body.text();
      if (res.statusCode !== 200 || !ok(answer)) {
        throw new Error(`bench: the simulator answered ${res.statusCode} ${answer.slice(0, 200)}`);
      }
      after(i);
    }
    return requests / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    await agent.close();
  }
}

/**
 * The durable half of the same work: the same rows in a database opened by the store's
 * own opener (schema, WAL, synchronous=FULL, secure_delete), seeded before the clock
 * starts, and per request one commit of the store's delivered UPDATE (verbatim) for
 * that request's rows. What a terminal that keeps its promise must pay at the least.
 */
function durableMarks(records: readonly RatingRecord[], perRequest: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-marks-'));
  const path = join(dir, 'terminal.db');
  const seedStore = RatingStore.open({ path, keyFile: join(dir, 'terminal.key') });
  const promptId = records[0]?.promptId as string;
  seedStore.apply([
    { op: 'prompt_open', prompt: promptRecord({ id: promptId, transactionId: `TX-${promptId}` }) },
    { op: 'records_put', records: [...records] },
  ]);
  seedStore.close();
  const { db } = openDatabase(path);
  const delivered = db.prepare(
    `UPDATE records SET state = 'delivered', delivered_at = ?, personal_sealed = NULL,
       lease_until = NULL, last_error = NULL
     WHERE prompt_id = ? AND id = ? AND state = 'pending'`,
  );
  const mark = db.transaction((i: number) => {
    const now = Date.now();
    for (const r of records.slice(i * perRequest, (i + 1) * perRequest)) delivered.run(now, r.promptId, r.id);
  });
  return {
    mark: (i: number) => mark(i),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bare loop twice: without a store, and with the durable marks. */
async function bareBoth(
  records: readonly RatingRecord[],
  perRequest: number,
  bare: (after: (i: number) => void) => Promise<number>,
): Promise<{ plain: number; durable: number }> {
  const plain = await bare(() => {});
  const marks = durableMarks(records, perRequest);
  try {
    return { plain, durable: await bare(marks.mark) };
  } finally {
    marks.close();
  }
}

function drainPair(
  name: string,
  ours: number,
  bare: { plain: number; durable: number },
  what: string,
): Figure[] {
  return [
    {
      name,
      value: ours,
      unit: 'ratings/s',
      limit: bare.plain,
      limitUnit: 'ratings/s',
      limitWhat: `bare loop: ${what}, no store (goal ≥ 0.8)`,
      better: 'higher',
    },
    {
      name: `${name}, against the durable floor`,
      value: ours,
      unit: 'ratings/s',
      limit: bare.durable,
      limitUnit: 'ratings/s',
      limitWhat: `the same bare loop + one fsynced commit of the store's delivered UPDATE per request`,
      better: 'higher',
    },
  ];
}

const REFERENCE = { appMark: 'HA-APP', secret: 'sim-secret-密钥' };

/**
 * The reference profile's bare side: a fresh simulator, the same RECORD objects (mapped
 * before the clock starts), per batch of 100 JSON.stringify, SHA-256 + HMAC-SHA256
 * sign, POST, JSON.parse of the answer; `after(batch)` once answered. Ratings per second.
 */
export async function referenceBare(
  records: readonly RatingRecord[],
  after: (i: number) => void = () => {},
): Promise<number> {
  const sim = await PlatformSim.start({ ...REFERENCE, maxSkewMs: null });
  const wire = records.map(referenceRecord);
  const batches = Math.ceil(records.length / REFERENCE_BATCH);
  try {
    const rate = await bareLoop(
      `${sim.url}/evaluations`,
      batches,
      (b) => {
        const body = Buffer.from(
          JSON.stringify({ records: wire.slice(b * REFERENCE_BATCH, (b + 1) * REFERENCE_BATCH) }),
          'utf8',
        );
        const ts = String(Date.now());
        const nonce = randomBytes(12).toString('hex');
        const digest = createHash('sha256').update(body).digest('hex');
        const sign = createHmac('sha256', REFERENCE.secret)
          .update(`${REFERENCE.appMark}\n${ts}\n${nonce}\n${digest}`)
          .digest('hex');
        return {
          body,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-app-mark': REFERENCE.appMark,
            'x-timestamp': ts,
            'x-nonce': nonce,
            'x-sign': sign,
          },
        };
      },
      (answer) => (JSON.parse(answer) as { results: unknown[] }).results.length > 0,
      after,
    );
    if (sim.accepted.size !== records.length) {
      throw new Error(`bench: bare reference: ${sim.accepted.size} accepted`);
    }
    return (rate * records.length) / batches;
  } finally {
    await sim.close();
  }
}

async function referenceDrain(backlog: number): Promise<Figure[]> {
  const sim = await PlatformSim.start({ ...REFERENCE, maxSkewMs: null });
  const records = benchRecords(backlog, 'rd');
  let ours: number;
  try {
    ours = await drain(
      createReferenceAdapter({ url: sim.url, ...REFERENCE }),
      records,
      () => sim.accepted.size,
    );
  } finally {
    await sim.close();
  }
  const bare = await bareBoth(records, REFERENCE_BATCH, (after) => referenceBare(records, after));
  return drainPair(
    `reference backlog of ${backlog} drained (batches of ${REFERENCE_BATCH}, real store + forwarder + simulator)`,
    ours,
    bare,
    'the same RECORDs, JSON + HMAC-SHA256, loopback POST to a fresh simulator',
  );
}

async function nationalDrain(backlog: number): Promise<Figure[]> {
  const simOptions = { appMark: 'HA-APP', appWord: 'app-word', dataSource: '165' };
  const sim = await NationalSim.start(simOptions);
  const options = {
    url: sim.url,
    appMark: 'HA-APP',
    appWord: 'app-word',
    publicKey: sim.publicKey,
    dataSource: '165',
    batchSize: NATIONAL_BATCH,
  };
  const records = benchRecords(backlog, 'nd');
  let ours: number;
  try {
    ours = await drain(
      createNationalAdapter({ ...NATIONAL_DEFAULTS, ...options }),
      records,
      () => sim.accepted.size,
    );
  } finally {
    await sim.close();
  }

  // The bare side: a fresh simulator; the same EVALUATION objects (mapped before the
  // clock starts); per batch JSON.stringify, SM2 of the sign's text and of the array,
  // the envelope, POST, JSON.parse of the answer.
  const evaluations = records.map((r) => nationalEvaluation(r, '165'));
  const batches = Math.ceil(backlog / NATIONAL_BATCH);
  const bare = await bareBoth(records, NATIONAL_BATCH, async (after) => {
    const bareSim = await NationalSim.start(simOptions);
    const point = parseSm2PublicKey(bareSim.publicKey).point;
    try {
      const rate = await bareLoop(
        bareSim.url,
        batches,
        (b) => {
          const time = nationalTime(Date.now());
          const plain = Buffer.from(
            JSON.stringify(evaluations.slice(b * NATIONAL_BATCH, (b + 1) * NATIONAL_BATCH)),
            'utf8',
          );
          const sign = `04${sm2.doEncrypt(new Uint8Array(Buffer.from(`${time}HA-APPapp-word`)), point, 1)}`;
          const evaluate = `04${sm2.doEncrypt(new Uint8Array(plain), point, 1)}`;
          const envelope = {
            txnBodyCom: { appMark: 'HA-APP', time, sign, params: { evaluate: [evaluate] } },
            txnCommCom: {},
          };
          return {
            body: Buffer.from(JSON.stringify(envelope), 'utf8'),
            headers: { 'content-type': 'application/json; charset=utf-8' },
          };
        },
        (answer) => (JSON.parse(answer) as { success?: unknown }).success === true,
        after,
      );
      if (bareSim.accepted.size !== backlog) {
        throw new Error(`bench: bare national: ${bareSim.accepted.size} accepted`);
      }
      return (rate * backlog) / batches;
    } finally {
      await bareSim.close();
    }
  });
  return drainPair(
    `national backlog of ${backlog} drained (batchSize ${NATIONAL_BATCH}, real store + forwarder + simulator)`,
    ours,
    bare,
    'the same EVALUATIONs, JSON + SM2 ×2, loopback POST to a fresh simulator',
  );
}

async function fujianDrain(backlog: number): Promise<Figure[]> {
  const simOptions = { appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' };
  const sim = await FujianSim.start(simOptions);
  const records = benchRecords(backlog, 'fd');
  let ours: number;
  try {
    ours = await drain(
      createFujianAdapter({ ...FUJIAN_ADAPTER_DEFAULTS, url: sim.url, ...simOptions }),
      records,
      () => sim.accepted.size,
    );
  } finally {
    await sim.close();
  }

  // The bare side: a fresh simulator and one token from it (before the clock starts, as
  // the adapter keeps one); the same documents (rendered before the clock starts); per
  // rating GBK + SM4 + hex, the SOAP envelope, POST, the answer read with the same XML
  // parser the adapter uses.
  const parser = new XMLParser();
  const bare = await bareBoth(records, 1, async (after) => {
    const bareSim = await FujianSim.start(simOptions);
    try {
      const s = fujianSettings({ ...FUJIAN_ADAPTER_DEFAULTS, url: bareSim.url, ...simOptions });
      const tokenAt = tokenRequest(s, Date.now());
      const tokenRes = await request(tokenAt.url, { method: 'GET' });
      const token = (JSON.parse(await tokenRes.body.text()) as { access_token: string }).access_token;
      const texts = records.map((r) => iconv.decode(s.template.render(templateValues(s, r)), 'gbk'));
      const first = saveRequest(s, records[0] as RatingRecord, token);
      const envelope = first.body.toString('utf8').split(/<xmlStr>[0-9a-f]*<\/xmlStr>/);
      const rate = await bareLoop(
        first.url,
        backlog,
        (i) => {
          const c = createCipheriv('sm4-ecb', s.sm4Key, null);
          const hex = Buffer.concat([c.update(iconv.encode(texts[i] as string, 'gbk')), c.final()]).toString(
            'hex',
          );
          return {
            body: Buffer.from(`${envelope[0]}<xmlStr>${hex}</xmlStr>${envelope[1]}`, 'utf8'),
            headers: first.headers,
          };
        },
        (answer) => {
          const inner = returnOf(parser.parse(answer));
          return String((parser.parse(inner) as { Case?: { code?: unknown } }).Case?.code) === '200';
        },
        after,
      );
      if (bareSim.accepted.size !== backlog)
        throw new Error(`bench: bare fujian: ${bareSim.accepted.size} accepted`);
      return rate;
    } finally {
      await bareSim.close();
    }
  });
  return drainPair(
    `fujian backlog of ${backlog} drained (one call a rating, real store + forwarder + simulator)`,
    ours,
    bare,
    'the same documents, GBK + SM4, loopback SOAP POST to a fresh simulator, answer XML-parsed',
  );
}

/** The text of the first <return> element anywhere in a parsed SOAP answer. */
function returnOf(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  for (const [key, value] of Object.entries(node)) {
    if (key === 'return') return String(value);
    const found = returnOf(value);
    if (found) return found;
  }
  return '';
}

const PROFILES = { reference: referenceDrain, national: nationalDrain, fujian: fujianDrain };

export async function drainFigures(
  backlog = BACKLOG,
  profiles: (keyof typeof PROFILES)[] = ['reference', 'national', 'fujian'],
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const p of profiles) figures.push(...(await PROFILES[p](backlog)));
  return figures;
}

/** The soak: 10 000 then 100 000 queued ratings per profile. */
export async function soakDrainFigures(): Promise<Figure[]> {
  return [...(await drainFigures(10_000)), ...(await drainFigures(100_000))];
}
