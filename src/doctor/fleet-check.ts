// doctor's fleet line: the hall's broker answers and takes this terminal's credentials.
import type { FleetSection } from '../config/terminal-config.js';
import { probeBroker } from '../fleet/probe.js';
import { type Finding, fail, ok } from './report.js';

export async function checkFleet(fleet: FleetSection | null, terminalId: string): Promise<Finding> {
  if (fleet === null) return ok('fleet', 'not configured (the terminal reports to no broker)');
  const probe = await probeBroker(fleet, terminalId);
  const topic = `${fleet.topicPrefix}/${fleet.hallId}/${terminalId}`;
  switch (probe.result) {
    case 'ok':
      return ok('fleet', `${fleet.url} took the credentials; reporting under ${topic}`);
    case 'refused':
      return fail(
        'fleet',
        `${fleet.url} refused the credentials (${probe.detail})`,
        'check fleet.username and fleet.password against what the broker has for this terminal',
      );
    case 'ca_unreadable':
      return fail(
        'fleet',
        `cannot read fleet.ca ${fleet.ca} (${probe.detail})`,
        'check the path of the broker CA file and its permissions',
      );
    case 'unreachable':
      return fail(
        'fleet',
        `cannot reach ${fleet.url} (${probe.detail})`,
        'check fleet.url, that the broker runs, and any firewall between; ratings are not affected meanwhile',
      );
  }
}
