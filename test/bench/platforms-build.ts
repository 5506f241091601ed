// Per-rating cost of building a request of each real profile, against the bare library
// calls on the same bytes:
// - national: the adapter's encode of one rating (the EVALUATION object, its JSON, the
//   sign's and the evaluations' SM2 encryptions, the envelope's JSON) against two
//   sm-crypto-v2 doEncrypt calls (same precomputed key, same cipher mode) on exactly the
//   plaintexts the adapter encrypts;
// - fujian: the adapter's SOAP call of one rating (template filled and escaped, GBK with
//   character references where needed, SM4, hex, the envelope) against iconv-lite's GBK
//   encoding of the same document text, SM4-ECB through Node's OpenSSL with the same key,
//   and the hex.
// Each side runs PER_ROUND ratings in a row (distinct records); rounds alternate the two
// so drift and GC land on both alike; the figure is the median of the rounds' means.

import { createCipheriv } from 'node:crypto';
import iconv from 'iconv-lite';
import { sm2 } from 'sm-crypto-v2';
import type { RatingRecord } from '../../src/core/model.js';
import { FUJIAN_ADAPTER_DEFAULTS } from '../../src/profiles/fujian.js';
import { NATIONAL_DEFAULTS } from '../../src/profiles/national.js';
import { saveRequest, templateValues } from '../../src/sync/adapters/fujian/index.js';
import { fujianSettings } from '../../src/sync/adapters/fujian/settings.js';
import { createNationalAdapter, nationalEvaluation, nationalTime } from '../../src/sync/adapters/national.js';
import { parseSm2PublicKey } from '../../src/sync/crypto/index.js';
import { ratingRecord } from '../helpers/records.js';
import { type Figure, median } from './format.js';

const ROUNDS = 7;
const NATIONAL_PER_ROUND = 60;
const FUJIAN_PER_ROUND = 800;
const NOW = 1_796_000_000_000;

export function benchRecords(n: number, prefix: string): RatingRecord[] {
  return Array.from({ length: n }, (_, i) =>
    ratingRecord({
      id: `${prefix}-${String(i).padStart(5, '0')}`,
      promptId: `p-${prefix}`,
      transactionId: `3505210001${prefix}${String(i).padStart(8, '0')}`,
      level: 5,
      reasons: ['510', '517'],
      ratedAt: NOW - 600_000 + i,
      service: { code: '11350521MB0000001X-XK-0001', name: '个体工商户设立登记' },
      department: { code: '11350521MB0000001X', name: '惠安县市场监督管理局' },
    }),
  );
}

/** Mean ms per call of `run(i)` over `n` calls. */
function meanMs(n: number, run: (i: number) => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

function alternate(rounds: number, n: number, ours: (i: number) => void, bare: (i: number) => void) {
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  meanMs(Math.min(n, 50), ours);
  meanMs(Math.min(n, 50), bare);
  for (let r = 0; r < rounds; r++) {
    oursMs.push(meanMs(n, ours));
    bareMs.push(meanMs(n, bare));
  }
  return { ours: median(oursMs), bare: median(bareMs) };
}

function nationalBuild(): Figure {
  const { publicKey } = sm2.generateKeyPairHex();
  const options = {
    url: 'http://127.0.0.1:9/e',
    appMark: 'HA-APP',
    appWord: 'w',
    publicKey,
    dataSource: '165',
  };
  const adapter = createNationalAdapter({ ...NATIONAL_DEFAULTS, ...options });
  const records = benchRecords(NATIONAL_PER_ROUND, 'nb');
  // What the adapter encrypts, made beforehand for the bare side.
  const time = nationalTime(NOW);
  const signPlain = new Uint8Array(Buffer.from(time + options.appMark + options.appWord, 'utf8'));
  const evalPlains = records.map(
    (r) => new Uint8Array(Buffer.from(JSON.stringify([nationalEvaluation(r, options.dataSource)]), 'utf8')),
  );
  const point = parseSm2PublicKey(publicKey).point;
  let sink = 0;
  const { ours, bare } = alternate(
    ROUNDS,
    NATIONAL_PER_ROUND,
    (i) => {
      sink += adapter.encode([records[i] as RatingRecord], NOW).body.length;
    },
    (i) => {
      sink += sm2.doEncrypt(signPlain, point, 1).length;
      sink += sm2.doEncrypt(evalPlains[i] as Uint8Array, point, 1).length;
    },
  );
  if (sink === 0) throw new Error('bench: nothing was built');
  return {
    name: 'national request building per rating (SM2 ×2 + JSON)',
    value: ours,
    unit: 'ms',
    limit: bare,
    limitUnit: 'ms',
    limitWhat: 'two bare sm-crypto-v2 doEncrypt calls on the same plaintexts, same key and mode',
    better: 'lower',
  };
}

function fujianBuild(): Figure {
  const s = fujianSettings({
    ...FUJIAN_ADAPTER_DEFAULTS,
    url: 'http://127.0.0.1:9/gw',
    appKey: 'hcp-terminal',
    appCode: 'code-秘',
    sysNo: '35',
  });
  const records = benchRecords(FUJIAN_PER_ROUND, 'fb');
  const texts = records.map((r) => iconv.decode(s.template.render(templateValues(s, r)), 'gbk'));
  let sink = 0;
  const { ours, bare } = alternate(
    ROUNDS,
    FUJIAN_PER_ROUND,
    (i) => {
      sink += saveRequest(s, records[i] as RatingRecord, 'token-0123456789abcdef').body.length;
    },
    (i) => {
      const bytes = iconv.encode(texts[i] as string, 'gbk');
      const cipher = createCipheriv('sm4-ecb', s.sm4Key, null);
      sink += Buffer.concat([cipher.update(bytes), cipher.final()]).toString('hex').length;
    },
  );
  if (sink === 0) throw new Error('bench: nothing was built');
  return {
    name: 'fujian request building per rating (template + GBK + SM4 + SOAP)',
    value: ours,
    unit: 'ms',
    limit: bare,
    limitUnit: 'ms',
    limitWhat: 'bare iconv-lite GBK of the same document + SM4-ECB (OpenSSL) + hex',
    better: 'lower',
  };
}

export function buildFigures(): Figure[] {
  return [nationalBuild(), fujianBuild()];
}
