// A citizen's data in whatever form someone else wrote it: a platform that quotes the id
// number as `350521 19900101 1234`, the name as `张 三 丰`, the phone as `138.1234.5678`
// or `+86 138-1234-5678`. Values are compared without separators — everything that is
// not a letter or a digit — ignoring case (a trailing x of an id number) and full-width
// forms (１３８…), and every stretch of the text that spells one is blanked whole.

/** Letters and digits only, folded: what two spellings of one value have in common. */
function fold(ch: string): string | null {
  const half = ch.normalize('NFKC');
  const c = [...half].length === 1 ? half : ch;
  return /[\p{L}\p{N}]/u.test(c) ? c.toLowerCase() : null;
}

/** The text with every stretch that spells one of `values` (separators aside) replaced by `mark`. */
export function blankForms(text: string, values: readonly string[], mark: string): string {
  const chars = [...text];
  let folded = '';
  // For each folded character, the index of the character it came from.
  const from: number[] = [];
  chars.forEach((ch, i) => {
    const f = fold(ch);
    if (f === null) return;
    folded += f;
    for (let k = 0; k < f.length; k++) from.push(i);
  });
  const spans: [number, number][] = [];
  for (const value of values) {
    const needle = [...value].map(fold).join('');
    // A one-character value would blank every such character of the text.
    if ([...needle].length < 2) continue;
    for (let at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + 1)) {
      spans.push([from[at] as number, from[at + needle.length - 1] as number]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let next = 0;
  for (const [start, end] of spans) {
    if (end < next) continue;
    out += chars.slice(next, Math.max(start, next)).join('');
    if (start >= next) out += mark;
    next = end + 1;
  }
  return out + chars.slice(next).join('');
}
