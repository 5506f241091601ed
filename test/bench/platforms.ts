// The platform profiles: request building per rating (national, fujian), and a backlog
// drained through each profile's simulator on loopback (reference, national, fujian).
import type { Figure } from './format.js';
import { buildFigures } from './platforms-build.js';
import { drainFigures } from './platforms-drain.js';

export async function platformsFigures(): Promise<Figure[]> {
  return [...buildFigures(), ...(await drainFigures())];
}
