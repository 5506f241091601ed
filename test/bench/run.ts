// npm run bench: every figure, one line each (see format.ts).
//   npm run bench            the default groups (under 5 minutes on 2 cores)
//   npm run bench -- soak    the default groups, then the long runs (soak groups)
//   npm run bench -- NAME    one group, default or soak
import { captureFigures } from './capture.js';
import { durabilityFigures } from './durability.js';
import { fleetFigures } from './fleet.js';
import { line } from './format.js';
import { hallFigures } from './hall.js';
import { paintFigures } from './paint.js';
import { platformsFigures } from './platforms.js';
import { qrFigures } from './qr.js';

type Group = [string, () => Promise<unknown> | unknown];

const groups: Group[] = [
  ['capture', captureFigures],
  ['qr', qrFigures],
  ['paint', paintFigures],
  ['fleet', fleetFigures],
  ['hall', hallFigures],
  ['platforms', platformsFigures],
];
// The long runs: minutes each, so only behind `soak` or by name.
const soakGroups: Group[] = [['durability', durabilityFigures]];

const arg = process.argv[2];
const all = [...groups, ...soakGroups];
const selected = arg === undefined ? groups : arg === 'soak' ? all : all.filter(([name]) => name === arg);
if (selected.length === 0) {
  console.error(`no bench group "${arg}": use soak or one of ${all.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
for (const [, run] of selected) {
  const figures = (await run()) as Parameters<typeof line>[0][];
  for (const f of figures) console.log(line(f));
}
