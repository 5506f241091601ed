// doctor's platform and clock checks, per profile (contracts/config-and-cli.md and
// platform-profiles.md). reference: one signed upload of an empty list tells at once
// whether the platform is reachable and takes the credentials. national: the interface
// has no call that proves the credentials without a rating, and nothing but ratings is
// ever sent to it, so one GET of the address (no upload) and the line is `warn` once the
// address answers HTTP at all and the public key is a curve point. fujian: a token
// obtained from the gateway proves address and credentials. The last answer's Date
// header is the clock to compare with (ratings carry the terminal's time, and platforms
// refuse signatures whose time is far from their own).

import type { PlatformSection } from '../config/terminal-config.js';
import { cstDateTime } from '../core/cst.js';
import { type CredentialsCheck, checkCredentials } from '../sync/check-credentials.js';
import { parseSm2PublicKey } from '../sync/crypto/index.js';
import { type Finding, fail, ok, warn } from './report.js';

/** More than this between the terminal's clock and the platform's is a failure (the contract's limit). */
export const CLOCK_LIMIT_MS = 60_000;

export interface PlatformChecks {
  platform: Finding;
  clock: Finding;
}

export async function checkPlatform(
  platform: PlatformSection | null,
  now: () => number = Date.now,
): Promise<PlatformChecks> {
  if (platform === null) {
    return {
      platform: ok('platform', 'not configured (ratings are kept on this terminal only)'),
      // Nothing to compare with; not a fault of this terminal, so not a warning either.
      clock: ok('clock', `not compared, no platform configured (this computer says ${cst(now())})`),
    };
  }
  if (platform.profile === 'national') {
    // The configuration loader refuses such a key already; doctor says so on its own line
    // too, should a section reach it some other way.
    try {
      parseSm2PublicKey(platform.publicKey);
    } catch (err) {
      return {
        platform: fail(
          'platform',
          `platform.publicKey is not usable: ${err instanceof Error ? err.message : String(err)}`,
          "copy the platform's SM2 public key again from its interface document",
        ),
        clock: warn('clock', `not compared, the platform was not asked (this computer says ${cst(now())})`),
      };
    }
  }
  const check = await checkCredentials(platform);
  // The Date header is written as the answer leaves; comparing with the time it arrived
  // errs by the round trip, far below the limit.
  const arrived = now();
  return { platform: platformFinding(platform, check), clock: clockFinding(check, arrived) };
}

/** What to check when the platform refuses the credentials, by profile. */
const CREDENTIAL_KEYS: Record<PlatformSection['profile'], string> = {
  reference: 'check platform.appMark and platform.secret against what the platform issued for this terminal',
  national: 'check platform.appMark and platform.appWord against what the platform issued',
  fujian:
    'check platform.appKey, platform.appCode and platform.tokenTimestamp against what the provincial gateway issued',
};

const ADDRESS_KEYS: Record<PlatformSection['profile'], string> = {
  reference: 'check platform.url (the address ends before /evaluations) and platform.profile',
  national: 'check platform.url (the full address of the evaluation interface) and platform.profile',
  fujian: "check platform.url (the gateway's base address), platform.tokenPath and platform.profile",
};

function platformFinding(platform: PlatformSection, check: CredentialsCheck): Finding {
  const { url, profile } = platform;
  const unreachable = () =>
    fail(
      'platform',
      `cannot reach ${url} (${check.detail})`,
      'check the network cable, platform.url, and any proxy or firewall between this terminal and the platform',
    );
  // Only the national interface is probed by a GET that proves nothing but the address.
  if (profile === 'national' || check.result === 'answered') {
    // Any HTTP answer to the GET, whatever its status: the address is right enough to
    // talk to; only a rating proves the sign.
    if (check.result !== 'answered') return unreachable();
    return warn(
      'platform',
      `${url} answers (HTTP ${check.status}) and platform.publicKey is a point on the SM2 curve; credentials are checked by the first rating`,
    );
  }
  switch (check.result) {
    case 'unreachable':
      return unreachable();
    case 'ok':
      return ok(
        'platform',
        profile === 'fujian'
          ? `${url}: the gateway gave a token (HTTP ${check.status ?? '?'})`
          : `${url}: ${check.detail}`,
      );
    case 'auth_failed':
      return fail(
        'platform',
        // checkCredentials words it "credentials refused: …"; the line says that already.
        `${url} refused the credentials (${check.detail.replace(/^credentials refused: /, '')})`,
        CREDENTIAL_KEYS[profile],
      );
    case 'misconfigured':
      return fail(
        'platform',
        `${url} answered, but not as a ${profile} ${profile === 'fujian' ? 'gateway' : 'upload interface'} (${check.detail})`,
        ADDRESS_KEYS[profile],
      );
  }
}

function clockFinding(check: CredentialsCheck, arrived: number): Finding {
  if (check.serverDate === null) {
    // Unknown is not wrong: the platform line already says what failed, if anything did.
    const why = check.result === 'unreachable' ? 'the platform did not answer' : 'the platform sent no Date';
    return warn('clock', `not compared, ${why} (this computer says ${cst(arrived)})`);
  }
  const skew = arrived - check.serverDate;
  const seconds = Math.round(Math.abs(skew) / 1000);
  if (Math.abs(skew) > CLOCK_LIMIT_MS) {
    return fail(
      'clock',
      `this computer's clock is ${seconds} s ${skew > 0 ? 'ahead of' : 'behind'} the platform's (here ${cst(arrived)}, platform ${cst(check.serverDate)})`,
      'set the date and time, or turn on time synchronisation (timedatectl set-ntp true), then run doctor again',
    );
  }
  return ok('clock', `${seconds} s from the platform's (limit ${CLOCK_LIMIT_MS / 1000} s)`);
}

function cst(epochMs: number): string {
  return `${cstDateTime(epochMs)} CST`;
}
