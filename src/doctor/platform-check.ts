// doctor's platform and clock checks: the profile's adapter probes the platform
// (reference: one signed upload of an empty list; national: one GET of the address, which
// proves only the address; fujian: a gateway token), and the profile's descriptor words
// the line (src/profiles). The last answer's Date header is the clock to compare with
// (ratings carry the terminal's time, and platforms refuse signatures whose time is far
// from their own).

import { cstDateTime } from '../core/cst.js';
import type { AnyProfile } from '../profiles/descriptor.js';
import type { PlatformSection } from '../profiles/registry.js';
import { BUILT_IN_PROFILES, type ProfileRegistry, profileOf } from '../profiles/registry.js';
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
  profiles: ProfileRegistry = BUILT_IN_PROFILES,
): Promise<PlatformChecks> {
  if (platform === null) {
    return {
      platform: ok('platform', 'not configured (ratings are kept on this terminal only)'),
      // Nothing to compare with; not a fault of this terminal, so not a warning either.
      clock: ok('clock', `not compared, no platform configured (this computer says ${cst(now())})`),
    };
  }
  const profile = profileOf(profiles, platform);
  const before = profile.doctor.preflight?.(platform) ?? null;
  if (before !== null) {
    return {
      platform: fail('platform', before.problem, before.fix),
      clock: warn('clock', `not compared, the platform was not asked (this computer says ${cst(now())})`),
    };
  }
  const check = await checkCredentials(profile.createAdapter(platform), platform.timeoutSeconds * 1000);
  // The Date header is written as the answer leaves; comparing with the time it arrived
  // errs by the round trip, far below the limit.
  const arrived = now();
  return { platform: platformFinding(profile, platform, check), clock: clockFinding(check, arrived) };
}

function platformFinding(profile: AnyProfile, platform: PlatformSection, check: CredentialsCheck): Finding {
  const { url } = platform;
  const { doctor } = profile;
  const unreachable = () =>
    fail(
      'platform',
      `cannot reach ${url} (${check.detail})`,
      'check the network cable, platform.url, and any proxy or firewall between this terminal and the platform',
    );
  // A profile whose probe proves nothing but the address (the national interface's GET).
  if (doctor.addressOnly || check.result === 'answered') {
    // Any HTTP answer, whatever its status: the address is right enough to talk to; only
    // a rating proves the credentials.
    if (check.result !== 'answered') return unreachable();
    return warn(
      'platform',
      doctor.answered?.(url, check.status) ??
        `${url} answers (HTTP ${check.status}); credentials are checked by the first rating`,
    );
  }
  switch (check.result) {
    case 'unreachable':
      return unreachable();
    case 'ok':
      return ok('platform', doctor.okLine?.(url, check) ?? `${url}: ${check.detail}`);
    case 'auth_failed':
      return fail(
        'platform',
        // checkCredentials words it "credentials refused: …"; the line says that already.
        `${url} refused the credentials (${check.detail.replace(/^credentials refused: /, '')})`,
        doctor.credentials,
      );
    case 'misconfigured':
      return fail(
        'platform',
        `${url} answered, but not as a ${profile.name} ${doctor.what} (${check.detail})`,
        doctor.address,
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
