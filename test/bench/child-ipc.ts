// The bench's child processes (the keypad, the business system) and the one clock they
// share with the terminal: process.hrtime is CLOCK_MONOTONIC, the same for every process
// on the machine, so a press stamped in one process and a commit stamped in another can
// be subtracted. Kept apart from line-rig.ts so a child does not load the terminal.
import { type ChildProcess, fork } from 'node:child_process';

export const nowNs = (): bigint => process.hrtime.bigint();
export const msBetween = (from: bigint, to: bigint): number => Number(to - from) / 1e6;

/** A child process running one of the bench's TypeScript programs, answering once. */
export function runChild<T>(script: string, spec: unknown): { done: Promise<T>; child: ChildProcess } {
  const child = fork(new URL(script, import.meta.url).pathname, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const done = new Promise<T>((resolve, reject) => {
    let answered = false;
    child.once('message', (m) => {
      answered = true;
      const msg = m as { ok: true; result: T } | { ok: false; error: string };
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`${script}: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`${script} exited (${signal ?? code}) without an answer`));
    });
  });
  return { done, child };
}

/** The child's side of runChild: runs main with the spec, sends back its result or its error. */
export function childMain<S, T>(main: (spec: S) => Promise<T>): void {
  const spec = JSON.parse(process.argv[2] ?? '{}') as S;
  main(spec).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.(
        { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) },
        () => process.exit(1),
      ),
  );
}
