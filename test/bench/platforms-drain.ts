// A 10 000-rating backlog drained through each profile's simulator on loopback: a real
// store (SQLite file, WAL, synchronous=FULL) seeded in one commit, the real Forwarder
// with its undici transport on the real clock, the real adapter, and the simulator
// decrypting and checking every request in this process. Ratings per second from the
// forwarder's start to the empty queue, against a bare loopback POST loop in the same
// process carrying bodies of the same size built with the same library calls (SM2 or
// GBK + SM4 on the client; SM2 or SM4 + GBK decryption on a bare node:http server that
// answers a fixed success) — the same crypto and HTTP without store, forwarder, adapter
// logic or the simulator's checks.
//
// The national drain uses platform.batchSize 50 (the most the profile allows): at the
// default of 1 each rating costs the simulator two SM2 decryptions (~5 ms each here), and
// 10 000 of them would measure the simulator, not the terminal, for minutes.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sm2 } from 'sm-crypto-v2';
import { Agent, request } from 'undici';
import type { RatingRecord } from '../../src/core/model.js';
import { RatingStore } from '../../src/store/store.js';
import type { PlatformAdapter } from '../../src/sync/adapter.js';
import { createFujianAdapter, saveRequest, templateValues } from '../../src/sync/adapters/fujian/index.js';
import { fujianSettings } from '../../src/sync/adapters/fujian/settings.js';
import { createNationalAdapter, nationalEvaluation, nationalTime } from '../../src/sync/adapters/national.js';
import { parseSm2PublicKey } from '../../src/sync/crypto/index.js';
import { Forwarder } from '../../src/sync/forwarder.js';
import { promptRecord } from '../helpers/records.js';
import { FujianSim } from '../sim/fujian-sim.js';
import { NationalSim } from '../sim/national-sim.js';
import type { Figure } from './format.js';
import { benchRecords } from './platforms-build.js';

const BACKLOG = 10_000;
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

/** A bare server doing `work` on each body and answering `answer`. */
async function bareServer(work: (body: Buffer) => void, type: string, answer: string) {
  const bytes = Buffer.from(answer, 'utf8');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      work(Buffer.concat(chunks));
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** `requests` POSTs one after another, each body made by `body(i)`; requests per second. */
async function bareLoop(url: string, type: string, requests: number, body: (i: number) => Buffer) {
  const agent = new Agent({ connections: 2, maxResponseSize: 1 << 20 });
  try {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': type },
        body: body(i),
      });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`bench: the bare server answered ${res.statusCode}`);
    }
    return requests / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    await agent.close();
  }
}

async function nationalDrain(): Promise<Figure> {
  const sim = await NationalSim.start({ appMark: 'HA-APP', appWord: 'app-word', dataSource: '165' });
  const options = {
    url: sim.url,
    appMark: 'HA-APP',
    appWord: 'app-word',
    publicKey: sim.publicKey,
    dataSource: '165',
    batchSize: NATIONAL_BATCH,
  };
  const records = benchRecords(BACKLOG, 'nd');
  let ours: number;
  try {
    ours = await drain(createNationalAdapter(options), records, () => sim.accepted.size);
  } finally {
    await sim.close();
  }

  // The bare side: the same plaintexts (a batch's EVALUATION array, the sign's text).
  const pair = sm2.generateKeyPairHex();
  const point = parseSm2PublicKey(pair.publicKey).point;
  const batches = Math.ceil(BACKLOG / NATIONAL_BATCH);
  const plains = Array.from(
    { length: batches },
    (_, b) =>
      new Uint8Array(
        Buffer.from(
          JSON.stringify(
            records
              .slice(b * NATIONAL_BATCH, (b + 1) * NATIONAL_BATCH)
              .map((r) => nationalEvaluation(r, '165')),
          ),
        ),
      ),
  );
  const { server, url } = await bareServer(
    (body) => {
      const env = JSON.parse(body.toString('utf8'));
      sm2.doDecrypt(env.txnBodyCom.sign.slice(2), pair.privateKey, 1, { output: 'array' });
      sm2.doDecrypt(env.txnBodyCom.params.evaluate[0].slice(2), pair.privateKey, 1, { output: 'array' });
    },
    'application/json;charset=UTF-8',
    '{"code":"0","success":true,"msg":"成功","data":null}',
  );
  let bare: number;
  try {
    bare =
      NATIONAL_BATCH *
      (await bareLoop(url, 'application/json; charset=utf-8', batches, (b) => {
        const time = nationalTime(Date.now());
        const sign = `04${sm2.doEncrypt(new Uint8Array(Buffer.from(`${time}HA-APPapp-word`)), point, 1)}`;
        const evaluate = `04${sm2.doEncrypt(plains[b] as Uint8Array, point, 1)}`;
        const envelope = {
          txnBodyCom: { appMark: 'HA-APP', time, sign, params: { evaluate: [evaluate] } },
          txnCommCom: {},
        };
        return Buffer.from(JSON.stringify(envelope), 'utf8');
      }));
  } finally {
    server.close();
  }
  return {
    name: `national backlog of ${BACKLOG} drained (batchSize ${NATIONAL_BATCH}, real store + forwarder + simulator)`,
    value: ours,
    unit: 'ratings/s',
    limit: bare,
    limitUnit: 'ratings/s',
    limitWhat: 'bare loopback POSTs of the same body size, SM2 ×2 each way, fixed answer',
    better: 'higher',
  };
}

async function fujianDrain(): Promise<Figure> {
  const sim = await FujianSim.start({ appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' });
  const options = { url: sim.url, appKey: 'hcp-terminal', appCode: APP_CODE, sysNo: '35' };
  const records = benchRecords(BACKLOG, 'fd');
  let ours: number;
  try {
    ours = await drain(createFujianAdapter(options), records, () => sim.accepted.size);
  } finally {
    await sim.close();
  }

  const s = fujianSettings(options);
  const texts = records.map((r) => iconv.decode(s.template.render(templateValues(s, r)), 'gbk'));
  const envelope = saveRequest(s, records[0] as RatingRecord, 'token-0123456789abcdef0123456789ab')
    .body.toString('utf8')
    .split(/<xmlStr>[0-9a-f]*<\/xmlStr>/);
  const answer = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getSaveEvaluationResponse xmlns:ns2="http://webServiceInterface.cms.linewell.com"><return>&lt;Case&gt;&lt;code&gt;200&lt;/code&gt;&lt;msg&gt;保存成功&lt;/msg&gt;&lt;/Case&gt;</return></ns2:getSaveEvaluationResponse></soap:Body></soap:Envelope>`;
  const { server, url } = await bareServer(
    (body) => {
      const text = body.toString('utf8');
      const hex = text.slice(text.indexOf('<xmlStr>') + 8, text.indexOf('</xmlStr>'));
      const d = createDecipheriv('sm4-ecb', s.sm4Key, null);
      iconv.decode(Buffer.concat([d.update(Buffer.from(hex, 'hex')), d.final()]), 'gbk');
    },
    'text/xml; charset=utf-8',
    answer,
  );
  let bare: number;
  try {
    bare = await bareLoop(url, 'text/xml; charset=utf-8', BACKLOG, (i) => {
      const c = createCipheriv('sm4-ecb', s.sm4Key, null);
      const hex = Buffer.concat([c.update(iconv.encode(texts[i] as string, 'gbk')), c.final()]).toString(
        'hex',
      );
      return Buffer.from(`${envelope[0]}<xmlStr>${hex}</xmlStr>${envelope[1]}`, 'utf8');
    });
  } finally {
    server.close();
  }
  return {
    name: `fujian backlog of ${BACKLOG} drained (one call a rating, real store + forwarder + simulator)`,
    value: ours,
    unit: 'ratings/s',
    limit: bare,
    limitUnit: 'ratings/s',
    limitWhat: 'bare loopback POSTs of the same body size, GBK + SM4 each way, fixed answer',
    better: 'higher',
  };
}

export async function drainFigures(): Promise<Figure[]> {
  return [await nationalDrain(), await fujianDrain()];
}
