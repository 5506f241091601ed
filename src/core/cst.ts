// China Standard Time (UTC+8, no daylight saving) without a time-zone database:
// halls run on CST whatever the machine's zone is set to.

const CST_OFFSET_MS = 8 * 3600_000;

function parts(epochMs: number) {
  const d = new Date(epochMs + CST_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    y: p(d.getUTCFullYear(), 4),
    mo: p(d.getUTCMonth() + 1),
    d: p(d.getUTCDate()),
    h: p(d.getUTCHours()),
    mi: p(d.getUTCMinutes()),
    s: p(d.getUTCSeconds()),
  };
}

/** `yyyy-MM-dd HH:mm:ss` in CST, as the platform's `assessTime`. */
export function cstDateTime(epochMs: number): string {
  const t = parts(epochMs);
  return `${t.y}-${t.mo}-${t.d} ${t.h}:${t.mi}:${t.s}`;
}

/** `yyyyMMdd` in CST. */
export function cstDate(epochMs: number): string {
  const t = parts(epochMs);
  return `${t.y}${t.mo}${t.d}`;
}

const CST_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The instant a `yyyy-MM-dd HH:mm:ss` text in CST names, or null when it is not one:
 * wrong shape, or a date no calendar has (2026-02-30, 25:00:00).
 */
export function parseCstDateTime(text: string): number | null {
  const m = CST_TEXT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - CST_OFFSET_MS;
  // Date.UTC rolls 02-30 over into March: a text that does not come back unchanged named no real time.
  return Number.isFinite(ms) && cstDateTime(ms) === text ? ms : null;
}
