// The bare far end of the baseline: a serial port that sends back every byte it reads,
// in a process of its own (as the terminal is to its keypad), so the raw pty round trip
// shares nothing with the terminal's event loop. Says `ready` once open; ends when its
// parent goes. Usage: node --import tsx echo-child.ts SPEC_JSON
import { SerialPort } from 'serialport';

const { path } = JSON.parse(process.argv[2] ?? '{}') as { path?: string };
if (!path) throw new Error('usage: echo-child.ts \'{"path": "/dev/pts/N"}\'');
const port = new SerialPort({ path, baudRate: 9600, autoOpen: false, lock: false });
port.open((err) => {
  if (err) {
    process.send?.({ ok: false, error: err.message }, () => process.exit(1));
    return;
  }
  port.on('data', (chunk: Buffer) => port.write(chunk));
  process.send?.({ ok: true, result: 'ready' });
});
process.on('disconnect', () => port.close(() => process.exit(0)));
