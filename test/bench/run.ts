// npm run bench: every figure, one line each (see format.ts).
import { captureFigures } from './capture.js';
import { fleetFigures } from './fleet.js';
import { line } from './format.js';
import { hallFigures } from './hall.js';
import { paintFigures } from './paint.js';
import { platformsFigures } from './platforms.js';
import { qrFigures } from './qr.js';

const groups: [string, () => Promise<unknown> | unknown][] = [
  ['capture', captureFigures],
  ['qr', qrFigures],
  ['paint', paintFigures],
  ['fleet', fleetFigures],
  ['hall', hallFigures],
  ['platforms', platformsFigures],
];
const only = process.argv[2];
for (const [name, run] of groups) {
  if (only && only !== name) continue;
  const figures = (await run()) as Parameters<typeof line>[0][];
  for (const f of figures) console.log(line(f));
}
