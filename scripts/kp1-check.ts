// KP/1 conformance check for keypad makers (docs/kp1.md):
//   npx tsx scripts/kp1-check.ts /dev/ttyUSB0 [--baud 9600]
// Exit 0 when every rule holds, 1 when one does not, 2 on a usage error.
import { type CheckKey, runKp1Check } from './kp1-conformance.js';

const [path, ...rest] = process.argv.slice(2);
const baudAt = rest.indexOf('--baud');
const baudRate = baudAt >= 0 ? Number(rest[baudAt + 1]) : 9600;
if (!path || path.startsWith('-') || !Number.isInteger(baudRate) || baudRate <= 0) {
  console.error('usage: npx tsx scripts/kp1-check.ts SERIAL_DEVICE [--baud 9600]');
  process.exit(2);
}
const names: Record<string, string> = { invite: 'INVITE (请评价)', pause: 'PAUSE (暂停)' };
const ask = (key: CheckKey) => console.log(`press ${names[key] ?? `rating key ${key}`} once …`);
try {
  const results = await runKp1Check({ path, baudRate, ask });
  for (const r of results)
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.rule}${r.detail ? `: ${r.detail}` : ''}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(failed === 0 ? 'KP/1: every rule holds.' : `KP/1: ${failed} rule(s) broken.`);
  process.exit(failed === 0 ? 0 : 1);
} catch (err) {
  console.error(`cannot open ${path}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
