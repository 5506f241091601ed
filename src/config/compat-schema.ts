// The compat section of the configuration schema: listeners that speak the protocols
// business systems already use for evaluators. Today one: the GWQ (柜外清) WebSocket
// protocol, which the business system's page in the clerk's browser opens at
// ws://localhost:1919. The section is absent by default: no listener at all.

import { isIP } from 'node:net';
import { z } from 'zod';
import { canonicalOrigin, isBindableHost, isLoopbackHost } from '../base/addresses.js';
import {
  bool,
  evenWithOtherIssues,
  field,
  host,
  MISSING_PARAMS,
  port,
  says,
  section,
  text,
  wholeNumber,
} from '../profiles/schema-builders.js';

/** The port the GWQ SDK's pages open (ws://localhost:1919); they cannot be told another. */
export const GWQ_DEFAULT_PORT = 1919;

/** A page opened from a file (file://) sends this as its Origin. */
export const NULL_ORIGIN = 'null';

/** EvaluatorLevel for 非常满意, 满意, 基本满意, 不满意, 非常不满意: the SDK's own scale. */
export const DEFAULT_LEVEL_MAP: readonly number[] = [1, 2, 3, 4, 4];

const ORIGIN =
  'a web origin such as "http://10.1.2.3:8080" (scheme, host and port, no path), or "null" for a page opened from a file';
const PAGE_ORIGIN = 'a web origin such as "https://zwfw.example.gov.cn" (scheme, host and port, no path)';
const LEVEL_MAP =
  'five EvaluatorLevels (1 非常满意, 2 满意, 3 一般, 4 非常不满意) for 非常满意, 满意, 基本满意, 不满意 and 非常不满意, e.g. [1, 2, 3, 4, 4]; 不满意 and 非常不满意 must both be 4';
const ADDRESS = 'an IP address such as 10.1.2.3 (the clerk PC that runs the relay)';

// Checked here, made canonical in resolveCompat (a transform would hide the defaults
// from the generated reference).
const origin = z
  .string(says(ORIGIN))
  .refine((o) => o === NULL_ORIGIN || canonicalOrigin(o) !== null, says(ORIGIN));

const pageOrigin = z.string(says(PAGE_ORIGIN)).refine((o) => canonicalOrigin(o) !== null, says(PAGE_ORIGIN));

/** Browsers send origins canonical (no default port, no slash), and are compared as exact strings. */
const canonical = (o: string) => (o === NULL_ORIGIN ? o : (canonicalOrigin(o) ?? o));

const levelMap = z
  .array(wholeNumber(1, 4, LEVEL_MAP), says(LEVEL_MAP))
  .length(5, says(LEVEL_MAP))
  .superRefine((map, ctx) => {
    // A 差评 that reached the business system as 1–3 would be reported to the province
    // as satisfied: the one thing this mapping must never do.
    if (map.length !== 5) return;
    for (const i of [3, 4]) {
      if (map[i] !== 4)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `4: ${i === 3 ? '不满意' : '非常不满意'} is a 差评 and must reach the business system as its 4 (非常不满意)`,
        });
    }
  });

const gwqSchema = z
  .strictObject({
    answerLevel: bool(
      'true (the business system is answered the level and reports it) or false (it is answered EvaluatorLevel 0: it learns only that the citizen rated); there is no default, the hall must choose',
    ).meta({
      description:
        "Required, no default. `true`: a type 10 is answered with the citizen's `EvaluatorLevel`, and the business system reports it to the province as it did with its old evaluator. `false`: it is answered `EvaluatorLevel` 0 — it learns only that the citizen rated, and the rating reaches no platform (it stays on the terminal, counted in the hall's figures). See [gwq.md](gwq.md).",
    }),
    host: host('an address to listen on, such as 127.0.0.1').default('127.0.0.1').meta({
      description:
        "The address the GWQ listener binds. Any address other than a loopback one needs `allowFrom` and `token` (the relay on the clerk's PC presents it). Needs a restart.",
    }),
    port: port(GWQ_DEFAULT_PORT).default(GWQ_DEFAULT_PORT).meta({
      description:
        "The GWQ listener's port. The SDK's pages always open 1919; change it only behind the relay. Needs a restart.",
    }),
    origins: z
      .array(origin, says(`a list of origins, e.g. ["http://10.1.2.3:8080"]`))
      .min(
        1,
        says(
          `at least one origin: the business systems' web pages allowed to connect, e.g. ["http://10.1.2.3:8080"]`,
        ),
      )
      .meta({
        description:
          'Required, at least one: the web origins of the business systems\' pages allowed to connect, e.g. `http://10.1.2.3:8080`. A connection without an `Origin`, or from any other, is refused (403). `"null"` (a page opened from a file) is allowed only on a loopback listener.',
      }),
    allowFrom: z
      .array(
        z.string(says(ADDRESS)).refine((a) => isIP(a) !== 0, says(ADDRESS)),
        says('a list of IP addresses, e.g. ["10.1.2.3"]'),
      )
      .default(() => [])
      .meta({
        description:
          'The remote addresses (the clerk PCs running the relay) allowed to connect when `host` is not a loopback address. Required then, at least one.',
      }),
    token: text('a long random text that the relay presents as a Bearer token', 1)
      .nullable()
      .default(null)
      .meta({
        description:
          'A secret. Required when `host` is not a loopback address: the relay presents it (`--token-file`) as `Authorization: Bearer …`. Needs a restart.',
      }),
    levelMap: levelMap
      .default(() => [...DEFAULT_LEVEL_MAP])
      .meta({
        description:
          'The `EvaluatorLevel` answered for 非常满意, 满意, 基本满意, 不满意 and 非常不满意. The SDK has four levels (1 非常满意, 2 满意, 3 一般, 4 非常不满意): 不满意 and 非常不满意 must both be 4, so a 差评 never reaches the business system as 1–3.',
      }),
    pageOrigins: z
      .array(pageOrigin, says(`a list of origins, e.g. ["https://zwfw.example.gov.cn"], or []`))
      .default(() => [])
      .meta({
        description:
          'The origins whose pages a type 90 may show, as a QR code the citizen scans (the terminal never browses). A type 90 for any other page is answered −1.',
      }),
  })
  .superRefine((gwq, ctx) => {
    const where = field(gwq, 'host');
    if (typeof where !== 'string' || !isBindableHost(where) || isLoopbackHost(where)) return;
    const why = `because compat.gwq.host ${where} is not a loopback address`;
    const token = field(gwq, 'token');
    if (token === null || token === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        params: MISSING_PARAMS,
        message: `it is required ${why} (set a long random token and give it to the relay with --token-file, or use compat.gwq.host: 127.0.0.1)`,
      });
    const allowFrom = field(gwq, 'allowFrom');
    if (Array.isArray(allowFrom) && allowFrom.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['allowFrom'],
        message: `at least one address, ${why} (the clerk PCs that run gwq-relay, e.g. ["10.1.2.3"])`,
      });
    const origins = field(gwq, 'origins');
    if (Array.isArray(origins)) {
      origins.forEach((o, i) => {
        if (o === NULL_ORIGIN)
          ctx.addIssue({
            code: 'custom',
            path: ['origins', i],
            message: `a web origin such as "http://10.1.2.3:8080": "null" (a page opened from a file) is allowed only on a loopback listener, ${why}`,
          });
      });
    }
  }, evenWithOtherIssues);

export const compatSchema = section(
  z.strictObject({
    gwq: gwqSchema.nullable().default(null),
  }),
);

export type GwqFileSection = z.output<typeof gwqSchema>;

/** compat.gwq as the terminal runs on it. */
export interface GwqSection {
  answerLevel: boolean;
  host: string;
  port: number;
  /** Canonical origins, or "null" (loopback only). */
  origins: string[];
  allowFrom: string[];
  /** Secret; required off loopback. */
  token: string | null;
  /** EvaluatorLevel of 非常满意 … 非常不满意 (index 0 … 4). */
  levelMap: number[];
  pageOrigins: string[];
}

export interface CompatSection {
  /** null: no GWQ listener. */
  gwq: GwqSection | null;
}

/** The section as the terminal runs on it: plain copies, nothing shared with the parsed file. */
export function resolveCompat(file: { gwq: GwqFileSection | null }): CompatSection {
  const g = file.gwq;
  return {
    gwq:
      g === null
        ? null
        : {
            ...g,
            origins: g.origins.map(canonical),
            allowFrom: [...g.allowFrom],
            levelMap: [...g.levelMap],
            pageOrigins: g.pageOrigins.map(canonical),
          },
  };
}
