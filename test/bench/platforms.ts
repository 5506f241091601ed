// The real platform profiles (national, fujian): request building per rating, and a
// 10 000-rating backlog drained through each simulator on loopback.
import type { Figure } from './format.js';
import { buildFigures } from './platforms-build.js';
import { drainFigures } from './platforms-drain.js';

export async function platformsFigures(): Promise<Figure[]> {
  return [...buildFigures(), ...(await drainFigures())];
}
