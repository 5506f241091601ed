// One line per figure, always: `NAME: VALUE UNIT | limit: VALUE UNIT (what the limit is) | ratio: X`.
// The limit is measured in the same run on the same machine, so the ratio travels.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  limit: number;
  limitUnit: string;
  limitWhat: string;
  /** Higher is better (rates) or lower is better (times): the ratio is always "ours vs the bound". */
  better: 'higher' | 'lower';
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

export function line(f: Figure): string {
  // A count that must stay at its limit (lost ratings: 0 of 0 allowed) is exactly on it.
  const ratio = f.value === f.limit ? 1 : f.better === 'higher' ? f.value / f.limit : f.limit / f.value;
  return `${f.name}: ${fmt(f.value)} ${f.unit} | limit: ${fmt(f.limit)} ${f.limitUnit} (${f.limitWhat}) | ratio: ${ratio.toFixed(2)}`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}
