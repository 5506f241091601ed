// doctor's platform and clock checks. One signed upload of an empty list tells at once
// whether the platform is reachable and takes the credentials; its Date header is the
// clock to compare with (ratings carry the terminal's time as assessTime, and a
// platform may refuse signatures whose X-Timestamp is far from its own).

import type { PlatformSection } from '../config/terminal-config.js';
import { cstDateTime } from '../core/cst.js';
import { type CredentialsCheck, checkCredentials } from '../sync/check-credentials.js';
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
  const check = await checkCredentials(platform);
  // The Date header is written as the answer leaves; comparing with the time it arrived
  // errs by the round trip, far below the limit.
  const arrived = now();
  return { platform: platformFinding(platform, check), clock: clockFinding(check, arrived) };
}

function platformFinding(platform: PlatformSection, check: CredentialsCheck): Finding {
  const { url } = platform;
  switch (check.result) {
    case 'ok':
      return ok('platform', `${url}: ${check.detail}`);
    case 'auth_failed':
      return fail(
        'platform',
        // checkCredentials words it "credentials refused: …"; the line says that already.
        `${url} refused the credentials (${check.detail.replace(/^credentials refused: /, '')})`,
        'check platform.appMark and platform.secret against what the platform issued for this terminal',
      );
    case 'misconfigured':
      return fail(
        'platform',
        `${url} answered, but not as a ${platform.profile} upload interface (${check.detail})`,
        'check platform.url (the address ends before /evaluations) and platform.profile',
      );
    case 'unreachable':
      return fail(
        'platform',
        `cannot reach ${url} (${check.detail})`,
        'check the network cable, platform.url, and any proxy or firewall between this terminal and the platform',
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
