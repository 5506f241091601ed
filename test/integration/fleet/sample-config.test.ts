// docs/fleet's sample Mosquitto configuration, run for real: only its paths and port are
// changed. Terminals log in, each publishes under its own topics only, the console reads.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, passwordFile, Recorder, startBroker, text } from '../../helpers/mosquitto.js';
import { makeCa } from '../../helpers/private-ca.js';
import { BASE, fleetRig, section } from './rig.js';

const DOCS = new URL('../../../docs/', import.meta.url).pathname;
const CONF = readFileSync(join(DOCS, 'fleet', 'mosquitto.conf'), 'utf8');
const ACL = readFileSync(join(DOCS, 'fleet', 'hcp-acl'), 'utf8');
const PW = {
  'HA-0001': 'pw-terminal-1-7c2e',
  'HA-0002': 'pw-terminal-2-91fa',
  'hall-console': 'pw-console-3b8d',
};

describe("docs/fleet's sample mosquitto.conf and ACL", () => {
  it('are quoted word for word in docs/fleet.md', () => {
    const page = readFileSync(join(DOCS, 'fleet.md'), 'utf8');
    expect(page).toContain(CONF.trim());
    expect(page).toContain(ACL.trim());
  });

  it('let a terminal report under its own topics only, and the console read them', async () => {
    const ca = makeCa();
    const etc = join(ca.dir, 'etc');
    mkdirSync(join(etc, 'certs'), { recursive: true });
    mkdirSync(join(ca.dir, 'var'));
    copyFileSync(ca.caFile, join(etc, 'certs', 'hall-ca.pem'));
    copyFileSync(ca.certFile, join(etc, 'certs', 'broker.pem'));
    copyFileSync(ca.keyFile, join(etc, 'certs', 'broker.key'));
    copyFileSync(join(DOCS, 'fleet', 'hcp-acl'), join(etc, 'hcp-acl'));
    passwordFile(join(etc, 'hcp-passwd'), PW);
    const broker = await startBroker({
      tls: { caFile: ca.caFile, certFile: ca.certFile, keyFile: ca.keyFile }, // for the broker's mqtts:// url
      raw: (port) =>
        CONF.replaceAll('/etc/mosquitto/', `${etc}/`)
          .replace('/var/lib/mosquitto/', `${join(ca.dir, 'var')}/`)
          .replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`),
    });
    const tls = { ca: readFileSync(ca.caFile) };
    const console_ = await Recorder.on(broker, 'hcp/350521/#', {
      ...tls,
      username: 'hall-console',
      password: PW['hall-console'],
    });

    fleetRig(section(broker.url, { ca: ca.caFile, username: 'HA-0001', password: PW['HA-0001'] }));
    await console_.next((m) => m.topic === `${BASE}/availability` && text(m) === 'online', 'online');
    expect(json(await console_.next((m) => m.topic === `${BASE}/state`, 'state')).terminalId).toBe('HA-0001');

    // HA-0001 tries to speak for HA-0002: the broker takes the PUBACK and drops it.
    const one = await broker.client({ ...tls, username: 'HA-0001', password: PW['HA-0001'], clientId: 'x1' });
    await one.publishAsync('hcp/350521/HA-0002/availability', 'online', { qos: 1, retain: true });
    const two = await broker.client({ ...tls, username: 'HA-0002', password: PW['HA-0002'], clientId: 'x2' });
    await two.publishAsync('hcp/350521/HA-0002/state', '{"marker":true}', { qos: 1 });
    await console_.next((m) => m.topic === 'hcp/350521/HA-0002/state', 'HA-0002 on its own topic');
    expect(console_.seen.filter((m) => m.topic === 'hcp/350521/HA-0002/availability')).toEqual([]);

    // The console may not write; no one gets in without a password, or with a wrong one.
    const reader = await broker.client({
      ...tls,
      username: 'hall-console',
      password: PW['hall-console'],
      clientId: 'x3',
    });
    await reader.publishAsync('hcp/350521/HA-0001/availability', 'offline', { qos: 1, retain: true });
    await two.publishAsync('hcp/350521/HA-0002/state', '{"marker":2}', { qos: 1 });
    await console_.next(
      (m) => m.topic === 'hcp/350521/HA-0002/state' && text(m).includes('2'),
      'second marker',
    );
    expect(console_.seen.filter((m) => m.topic === `${BASE}/availability` && text(m) === 'offline')).toEqual(
      [],
    );
    await expect(broker.client({ ...tls, clientId: 'anon' })).rejects.toThrow(/Not authorized|Bad user/i);
    await expect(
      broker.client({ ...tls, username: 'HA-0001', password: 'wrong', clientId: 'bad' }),
    ).rejects.toThrow(/Not authorized|Bad user/i);
  });
});
