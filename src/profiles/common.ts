// What every platform profile shares: the common keys (url, profile, channel,
// timeoutSeconds), the pf code a terminal's mode gives by default, and appMark, which two
// profiles share and must therefore spell one way.

import type { z } from 'zod';
import type { ProfileKey } from './descriptor.js';
import { httpUrl, oneOf, text, wholeNumber } from './schema-builders.js';

/** The platform counts a kiosk as "other hall terminal" (5), a counter evaluator as 4. */
export function defaultChannel(mode: 'counter' | 'kiosk'): number {
  return mode === 'kiosk' ? 5 : 4;
}

/** What to do when an adapter refuses platform.url. */
export const URL_ADVICE = 'write the full http:// or https:// address from the interface document';

/** The keys every profile has, in the schema's order; `profile` lists the registry's names. */
export function commonShape(names: readonly [string, ...string[]], summaries: readonly string[]) {
  const phrase =
    summaries.length === 1
      ? summaries[0]
      : `${summaries.slice(0, -1).join(', ')} or ${summaries[summaries.length - 1]}`;
  return {
    url: httpUrl(
      "the platform's upload address, an http:// or https:// URL such as https://hcp.example.gov.cn/api",
    ),
    profile: oneOf(names, phrase ?? names[0]).default(names[0]),
    channel: wholeNumber(
      1,
      7,
      "the record's pf code, a whole number from 1 to 7 (4 hall tablet, 5 self-service kiosk)",
    ).nullish(),
    timeoutSeconds: wholeNumber(1, 300, 'a whole number of seconds from 1 to 300, such as 10').default(10),
  } satisfies Record<string, z.ZodType>;
}

/** 应用标识: a key of reference and national alike. */
export const APP_MARK_KEY: ProfileKey = {
  schema: text('the application id at the platform (应用标识), e.g. HA-APP', 1, 128),
  describe: 'The application id (应用标识) the platform issued. Required with `reference` and `national`.',
  required: 'the 应用标识 the platform issued, e.g. HA-APP',
};
