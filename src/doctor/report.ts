// doctor's output: one line per finding, in the shape the contract fixes so a
// technician can read it and a script can grep it:
//   `ok   PART: detail`, `warn PART: detail`, `FAIL PART: what is wrong — what to do`.

export type Status = 'ok' | 'warn' | 'FAIL';

export interface Finding {
  status: Status;
  part: string;
  /** For ok and warn: the detail. For FAIL: what is wrong. */
  text: string;
  /** For FAIL: what to do. */
  todo?: string;
}

export function ok(part: string, text: string): Finding {
  return { status: 'ok', part, text };
}

export function warn(part: string, text: string): Finding {
  return { status: 'warn', part, text };
}

export function fail(part: string, what: string, todo: string): Finding {
  return { status: 'FAIL', part, text: what, todo };
}

/**
 * A FAIL from a message that already carries its advice after "; " (the config
 * loader's and the store's messages do: "the disk is full; free some space"): the
 * advice becomes the "what to do" half. A message without one gets `fallback`.
 */
export function failFromMessage(part: string, message: string, fallback: string): Finding {
  const semi = message.lastIndexOf('; ');
  if (semi > 0) return fail(part, message.slice(0, semi), message.slice(semi + 2));
  const dash = message.indexOf(' — ');
  if (dash > 0) return fail(part, message.slice(0, dash), message.slice(dash + 3));
  return fail(part, message, fallback);
}

export function formatFinding(f: Finding): string {
  const text = f.status === 'FAIL' && f.todo ? `${f.text} — ${f.todo}` : f.text;
  // Status padded to four characters, so parts line up: "ok   store:", "warn store:", "FAIL store:".
  return `${f.status.padEnd(4)} ${f.part}: ${text}`;
}
