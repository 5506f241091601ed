// drivers/linux/hcp-keypad-rule on a fake sysfs tree laid out like the kernel's: the
// tty's class entry is a symlink into /sys/devices, below the USB device that holds
// idVendor, idProduct and (if the bridge has one) serial.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';

const script = new URL('../../../drivers/linux/hcp-keypad-rule', import.meta.url).pathname;

interface Adapter {
  tty: string;
  port: string;
  vid: string;
  pid: string;
  serial?: string;
  product?: string;
}

function fakeSysfs(adapters: Adapter[], builtIn: string[] = []): string {
  const root = tempDir('hcp-sysfs-');
  mkdirSync(join(root, 'class', 'tty'), { recursive: true });
  for (const a of adapters) {
    const usb = join('devices', 'pci0000:00', '0000:00:14.0', 'usb1', a.port);
    // usb-serial: device / interface / ttyUSBn / tty / ttyUSBn; ACM: device / interface / tty / ttyACMn
    const ttyDir = a.tty.startsWith('ttyACM')
      ? join(usb, `${a.port}:1.0`, 'tty', a.tty)
      : join(usb, `${a.port}:1.0`, a.tty, 'tty', a.tty);
    mkdirSync(join(root, ttyDir), { recursive: true });
    writeFileSync(join(root, usb, 'idVendor'), `${a.vid}\n`);
    writeFileSync(join(root, usb, 'idProduct'), `${a.pid}\n`);
    writeFileSync(join(root, usb, 'product'), `${a.product ?? 'USB Serial'}\n`);
    if (a.serial !== undefined) writeFileSync(join(root, usb, 'serial'), `${a.serial}\n`);
    writeFileSync(join(root, ttyDir, 'dev'), '188:0\n');
    symlinkSync(join('..', '..', ttyDir), join(root, 'class', 'tty', a.tty));
  }
  for (const tty of builtIn) {
    const dir = join('devices', 'platform', 'serial8250', 'tty', tty);
    mkdirSync(join(root, dir), { recursive: true });
    symlinkSync(join('..', '..', dir), join(root, 'class', 'tty', tty));
  }
  return root;
}

function run(sysfs: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HCP_SYSFS: sysfs, ...env },
  });
  if (r.error) throw new Error(`bash could not run ${script}: ${r.error.message}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The rule lines (not comments), each checked to be udev syntax: KEY[{attr}]OP"value", … */
function ruleLines(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  for (const line of lines) {
    for (const part of line.split(', ')) {
      expect(part, `udev syntax: ${part}`).toMatch(/^[A-Z_]+(\{[A-Za-z_]+\})?(==|!=|\+=|:=|=)"[^"\\]*"$/);
    }
  }
  return lines;
}

const CH340 = { vid: '1a86', pid: '7523' };
const CP210X = { vid: '10c4', pid: 'ea60' };
const FTDI = { vid: '0403', pid: '6001' };

describe('hcp-keypad-rule', () => {
  it('lists the USB serial adapters plugged in now, with VID:PID, serial and USB port', () => {
    const sysfs = fakeSysfs(
      [
        { tty: 'ttyUSB0', port: '1-1.2', ...CH340, product: 'USB Serial' },
        { tty: 'ttyUSB1', port: '1-1.3', ...CP210X, serial: '0001A2B3', product: 'CP2102 Bridge' },
        { tty: 'ttyACM0', port: '1-4', vid: '2e8a', pid: '000a', serial: 'E66058' },
      ],
      ['ttyS0'],
    );
    const { code, out } = run(sysfs, []);
    expect(code).toBe(0);
    expect(out).toMatch(/ttyUSB0\s+1a86:7523\s+serial: \(none\)\s+USB port: 1-1\.2/);
    expect(out).toMatch(/ttyUSB1\s+10c4:ea60\s+serial: 0001A2B3\s+USB port: 1-1\.3\s+.*CP2102 Bridge/);
    expect(out).toMatch(/ttyACM0\s+2e8a:000a\s+serial: E66058/);
    // Built-in ports have stable names already and are not offered.
    expect(out).not.toMatch(/ttyS0/);
  });

  it('says so when no adapter is plugged in', () => {
    const { code, out } = run(fakeSysfs([]), []);
    expect(code).toBe(0);
    expect(out).toMatch(/no USB serial adapter is plugged in/);
  });

  it('with a serial number: matches VID:PID and the serial, names it /dev/hcp-keypad for dialout', () => {
    const sysfs = fakeSysfs([
      { tty: 'ttyUSB0', port: '1-1.2', ...FTDI, serial: 'A50285BI' },
      { tty: 'ttyUSB1', port: '1-1.3', ...FTDI, serial: 'AB0CDEF1' }, // the ID-card reader
    ]);
    const { code, out, err } = run(sysfs, ['ttyUSB0']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const [rule, ...more] = ruleLines(out);
    expect(more).toEqual([]);
    expect(rule).toBe(
      'SUBSYSTEM=="tty", SUBSYSTEMS=="usb", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ' +
        'ATTRS{serial}=="A50285BI", SYMLINK+="hcp-keypad", GROUP="dialout", MODE="0660", ' +
        'ENV{ID_MM_DEVICE_IGNORE}="1"',
    );
    expect(rule).not.toMatch(/KERNELS/);
    // /dev/ is accepted in front of the name, as technicians often type it.
    expect(run(sysfs, ['/dev/ttyUSB0']).out).toBe(out);
  });

  it('without a serial number (a CH340): matches the USB port path instead, and warns', () => {
    const sysfs = fakeSysfs([{ tty: 'ttyUSB0', port: '1-1.4.2', ...CH340 }]);
    const { code, out, err } = run(sysfs, ['ttyUSB0']);
    expect(code).toBe(0);
    const [rule] = ruleLines(out);
    expect(rule).toContain('ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", KERNELS=="1-1.4.2"');
    expect(rule).toContain('SYMLINK+="hcp-keypad", GROUP="dialout", MODE="0660"');
    expect(rule).not.toMatch(/ATTRS\{serial\}/);
    expect(err).toMatch(/warning: ttyUSB0 \(1a86:7523\) has no serial number/);
    expect(err).toMatch(/matches the USB port 1-1\.4\.2 instead: keep the keypad in this same port/);
    // The rule file itself says so too, for whoever reads it later.
    expect(out).toMatch(/^# .*matched on USB port 1-1\.4\.2/m);
  });

  it('falls back to the port when the serial does not tell the adapters apart, or cannot be matched', () => {
    const shared = fakeSysfs([
      { tty: 'ttyUSB0', port: '1-1.2', ...CP210X, serial: '0001' },
      { tty: 'ttyUSB1', port: '1-1.3', ...CP210X, serial: '0001' },
    ]);
    const a = run(shared, ['ttyUSB1']);
    expect(ruleLines(a.out)[0]).toContain('KERNELS=="1-1.3"');
    expect(a.err).toMatch(/does not identify it/);
    // A glob character would make the rule match other serials.
    const globby = fakeSysfs([{ tty: 'ttyUSB0', port: '2-1', ...CP210X, serial: 'AB*C' }]);
    expect(ruleLines(run(globby, ['ttyUSB0']).out)[0]).toContain('KERNELS=="2-1"');
  });

  it('keeps serial characters literal and ignores trailing whitespace, as udev does', () => {
    const sysfs = fakeSysfs([{ tty: 'ttyUSB0', port: '1-2', ...FTDI, serial: 'A&B 12   ' }]);
    expect(ruleLines(run(sysfs, ['ttyUSB0']).out)[0]).toContain('ATTRS{serial}=="A&B 12", ');
  });

  it('an unknown tty: fails, naming it and listing what is plugged in', () => {
    const sysfs = fakeSysfs([{ tty: 'ttyUSB0', port: '1-1.2', ...CH340 }]);
    const { code, out, err } = run(sysfs, ['ttyUSB7']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/no serial device ttyUSB7/);
    expect(err).toMatch(/ttyUSB0\s+1a86:7523/);
  });

  it('a built-in port: no rule, its own name is stable', () => {
    const { code, out, err } = run(fakeSysfs([], ['ttyS0']), ['ttyS0']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/ttyS0 is not a USB device.*keypad\.path: \/dev\/ttyS0/);
  });

  it('--install writes the rule file and reloads udev', () => {
    const sysfs = fakeSysfs([{ tty: 'ttyUSB0', port: '1-1.2', ...CP210X, serial: 'K1' }]);
    const rules = tempDir('hcp-rules-');
    const calls = join(rules, 'udevadm-calls');
    const udevadm = join(rules, 'udevadm');
    writeFileSync(udevadm, `#!/bin/bash\necho "$*" >> '${calls}'\n`, { mode: 0o755 });
    const { code, out } = run(sysfs, ['ttyUSB0', '--install'], {
      HCP_RULES_DIR: rules,
      HCP_UDEVADM: udevadm,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/keypad\.path: \/dev\/hcp-keypad/);
    const written = readFileSync(join(rules, '99-hcp-keypad.rules'), 'utf8');
    expect(ruleLines(written)[0]).toContain('ATTRS{serial}=="K1"');
    expect(readFileSync(calls, 'utf8')).toBe(
      'control --reload\ntrigger --subsystem-match=tty --action=add\n',
    );
  });

  it('refuses arguments it does not know, and --install without a device', () => {
    const sysfs = fakeSysfs([]);
    expect(run(sysfs, ['--frobnicate']).code).toBe(1);
    expect(run(sysfs, ['--install']).err).toMatch(/--install needs the device/);
    expect(run(sysfs, ['--help']).out).toMatch(/usage: hcp-keypad-rule/);
  });
});
