// mqtts:// with a private CA made here by openssl, and doctor's fleet line against a
// real Mosquitto with users: reachable, credentials refused, nothing there, bad CA.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFleet } from '../../../src/doctor/fleet-check.js';
import { formatFinding } from '../../../src/doctor/report.js';
import { freePort } from '../../helpers/cli.js';
import { Recorder, startBroker, text } from '../../helpers/mosquitto.js';
import { makeCa } from '../../helpers/private-ca.js';
import { BASE, fleetRig, section, TERMINAL_ID } from './rig.js';

describe('fleet over TLS with a private CA', () => {
  it('reports over mqtts:// when fleet.ca is the CA, and doctor tells a wrong CA apart', async () => {
    const ca = makeCa();
    const broker = await startBroker({
      tls: { caFile: ca.caFile, certFile: ca.certFile, keyFile: ca.keyFile },
    });
    expect(broker.url).toMatch(/^mqtts:/);
    const rec = await Recorder.on(broker, '#', { ca: readFileSync(ca.caFile) });
    fleetRig(section(broker.url, { ca: ca.caFile }));
    const online = await rec.next((m) => m.topic === `${BASE}/availability`, 'online over TLS');
    expect(text(online)).toBe('online');
    await rec.next((m) => m.topic === `${BASE}/state`, 'state over TLS');

    expect(formatFinding(await checkFleet(section(broker.url, { ca: ca.caFile }), TERMINAL_ID))).toMatch(
      /^ok {3}fleet: mqtts:\/\/127\.0\.0\.1:\d+ took the credentials; reporting under hcp\/350521\/HA-0001$/,
    );
    const wrong = formatFinding(await checkFleet(section(broker.url, { ca: ca.otherCa }), TERMINAL_ID));
    expect(wrong).toMatch(/^FAIL fleet: cannot reach mqtts:.*certificate/i);
    const missing = formatFinding(
      await checkFleet(section(broker.url, { ca: join(ca.dir, 'nope.pem') }), TERMINAL_ID),
    );
    expect(missing).toMatch(/^FAIL fleet: cannot read fleet\.ca .*nope\.pem \(ENOENT\) — /);
  });
});

describe("doctor's fleet line", () => {
  it('is ok with "not configured" when there is no fleet section', async () => {
    expect(formatFinding(await checkFleet(null, TERMINAL_ID))).toBe(
      'ok   fleet: not configured (the terminal reports to no broker)',
    );
  });

  it('says ok when the broker takes the credentials, FAIL naming them when it refuses', async () => {
    const password = 'broker-pw-5c1e9a';
    const broker = await startBroker({ users: { [TERMINAL_ID]: password } });
    const good = section(broker.url, { username: TERMINAL_ID, password });
    expect((await checkFleet(good, TERMINAL_ID)).status).toBe('ok');
    const refused = formatFinding(await checkFleet({ ...good, password: 'wrong-pw-00' }, TERMINAL_ID));
    expect(refused).toMatch(
      /^FAIL fleet: mqtt:\/\/127\.0\.0\.1:\d+ refused the credentials .* — check fleet\.username and fleet\.password/,
    );
    expect(refused).not.toContain('wrong-pw-00');
    // doctor's look leaves nothing retained behind (no will, no availability).
    const rec = await Recorder.on(broker, '#', { username: TERMINAL_ID, password });
    await checkFleet(good, TERMINAL_ID);
    expect(await rec.barrier()).toEqual([]);
  });

  it('FAILs a broker that is not there, saying what to check', async () => {
    const port = await freePort();
    const line = formatFinding(await checkFleet(section(`mqtt://127.0.0.1:${port}`), TERMINAL_ID));
    expect(line).toMatch(
      /^FAIL fleet: cannot reach mqtt:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\) — check fleet\.url/,
    );
  });
});
