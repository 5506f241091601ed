// The console's days: a date in UTC+8 as the number its tables key on (20261129), and back.

import { cstDate } from '../../core/cst.js';

/** `2026-11-29` → 20261129. */
export function dayNumber(day: string): number {
  return Number(day.replaceAll('-', ''));
}

/** 20261129 → `2026-11-29`. */
export function dayText(day: number): string {
  const s = String(day);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** Today in UTC+8, as a day number. */
export function cstToday(now: number): number {
  return Number(cstDate(now));
}

export function addDays(day: number, n: number): number {
  const d = new Date(`${dayText(day)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return Number(d.toISOString().slice(0, 10).replaceAll('-', ''));
}
