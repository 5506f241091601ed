// npm run bench: every figure, one line each (see format.ts).
//   npm run bench            the default groups (under 5 minutes on 2 cores)
//   npm run bench -- soak    the default groups, then the long runs (soak groups)
//   npm run bench -- NAME    one group, default or soak
//   npm run bench -- throttled [soak|NAME]   the same inside a cgroup shaped like a cheap
//                            kiosk (one core at 50 %, 1 GiB; see throttle.ts), figures
//                            suffixed " (throttled)"
import { captureFigures } from './capture.js';
import { compactionFigures } from './compaction.js';
import { durabilityFigures } from './durability.js';
import { fleetFigures } from './fleet.js';
import { line } from './format.js';
import { hallFigures, hallScaleFigures } from './hall.js';
import { idleFigures } from './idle.js';
import { apiLoadFigures, keypadFigures } from './keypad.js';
import { paintFigures } from './paint.js';
import { platformsFigures } from './platforms.js';
import { soakDrainFigures } from './platforms-drain.js';
import { qrFigures } from './qr.js';
import { startupFigures } from './startup.js';
import { storeFileCheckFigures } from './store-file-check.js';
import { storeSoakFigures } from './store-soak.js';
import { runThrottled, throttled } from './throttle.js';
import { weekOfflineFigures } from './week-offline.js';

type Group = [string, () => Promise<unknown> | unknown];

const groups: Group[] = [
  ['capture', captureFigures],
  ['qr', qrFigures],
  ['paint', paintFigures],
  ['fleet', fleetFigures],
  ['platforms', platformsFigures],
  ['keypad', keypadFigures],
  ['startup', startupFigures],
  ['store-file-check', storeFileCheckFigures],
];
// The long runs: minutes each, so only behind `soak` or by name.
const soakGroups: Group[] = [
  // The console drawing 5 000 terminals takes minutes on 2 cores.
  ['hall', hallFigures],
  // The console's figures: a hall's year and a county's month, kept and drawn.
  ['hall-figures', hallScaleFigures],
  ['api-load', apiLoadFigures],
  ['idle', idleFigures],
  ['week-offline', weekOfflineFigures],
  ['drain-soak', soakDrainFigures],
  ['store-soak', storeSoakFigures],
  ['durability', durabilityFigures],
  ['compaction', compactionFigures],
];

if (process.argv[2] === 'throttled') {
  const rest = process.argv.slice(3);
  try {
    process.exit(
      await runThrottled([process.execPath, ...process.execArgv, process.argv[1] as string, ...rest]),
    );
  } catch (e) {
    console.error(`the throttled profile did not run: ${(e as Error).message}`);
    process.exit(2);
  }
}
const suffix = throttled() ? ' (throttled)' : '';
const arg = process.argv[2];
const all = [...groups, ...soakGroups];
const selected = arg === undefined ? groups : arg === 'soak' ? all : all.filter(([name]) => name === arg);
if (selected.length === 0) {
  console.error(`no bench group "${arg}": use soak or one of ${all.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of selected) {
  const started = Date.now();
  const figures = (await run()) as Parameters<typeof line>[0][];
  // On stderr, so the figures stay one line each on stdout.
  console.error(`[bench] ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const f of figures) console.log(line({ ...f, name: f.name + suffix }));
}
