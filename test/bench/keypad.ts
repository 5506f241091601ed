// The keypad line and the local API at the goal's scale, on the citizen's real path (the
// running terminal, its KP/1 driver on a socat pty, its store and log on disk):
// - key → ACK on the KP/1 line, beside a bare echo of the same bytes over the same kind
//   of pty pair, in the same run;
// - press → commit while the business system sends 500 requests a second to the local
//   API (open loop, a window's mix, event streams open), beside press → commit with the
//   API at a trickle, in the same run: the citizen must not feel the business system.
// The default group runs each phase for seconds; `api-load` (soak) for a minute each.

import { startPtyPair } from '../helpers/socat.js';
import { msBetween, runChild } from './child-ipc.js';
import { type Figure, percentile } from './format.js';
import { type LineRig, startLineRig } from './line-rig.js';
import type { LoadResult, LoadSpec } from './load-child.js';
import type { RaterResult, RaterSpec } from './rater-child.js';

export const RATE = 500;
/** The business system's trickle while the quiet phase is measured. */
export const TRICKLE_RATE = 5;
/** A window's pace, compressed: the next prompt this soon after the ACK. */
const GAP_MS = 20;
const ECHO_ROUNDS = 300;

export interface Phase {
  load: LoadResult;
  /** Key → ACK, ms, one per press that was ACKed. */
  keyToAck: number[];
  /** Press → commit, ms, one per rating committed. */
  pressToCommit: number[];
  presses: number;
  /** Presses whose rating was never committed, or never ACKed. */
  lost: string[];
  refused: string[];
}

/** The raw line: KEY bytes written, the same bytes echoed back by a bare port in a process of its own, ms each. */
export async function echoRoundTrips(rounds: number): Promise<number[]> {
  const pty = await startPtyPair();
  const echo = runChild<string>('./echo-child.ts', { path: pty.a });
  try {
    await echo.done;
    const spec: RaterSpec = { mode: 'echo', path: pty.b, gapMs: GAP_MS, rounds };
    const result = await runChild<RaterResult>('./rater-child.ts', spec).done;
    const lost = result.presses.filter((p) => p.ackedAt === null).length;
    if (lost > 0) {
      throw new Error(
        `${lost} of ${result.presses.length} KEY frames were never echoed back on the bare pty`,
      );
    }
    return result.presses.map((p) => msBetween(BigInt(p.pressedAt), BigInt(p.ackedAt as string)));
  } finally {
    echo.child.disconnect();
    await new Promise((resolve) =>
      echo.child.exitCode === null ? echo.child.once('exit', resolve) : resolve(null),
    );
    await pty.close();
  }
}

/** Ratings by keypad for durationMs while the API takes `rate` requests a second. */
export async function ratePhase(
  rig: LineRig,
  opts: { prefix: string; durationMs: number; rate: number },
): Promise<Phase> {
  const loadSpec: LoadSpec = { api: rig.api, rate: opts.rate, durationMs: opts.durationMs, streams: 2 };
  const load = runChild<LoadResult>('./load-child.ts', loadSpec);
  const raterSpec: RaterSpec = {
    mode: 'terminal',
    path: rig.pty.b,
    api: rig.api,
    durationMs: opts.durationMs,
    gapMs: GAP_MS,
    prefix: opts.prefix,
  };
  const rater = runChild<RaterResult>('./rater-child.ts', raterSpec);
  let loaded: LoadResult;
  let rated: RaterResult;
  try {
    [loaded, rated] = await Promise.all([load.done, rater.done]);
  } catch (err) {
    // One side failed: the other must not run on after the bench.
    for (const { child } of [load, rater]) if (child.exitCode === null) child.kill();
    throw err;
  }
  const keyToAck: number[] = [];
  const pressToCommit: number[] = [];
  const lost: string[] = [];
  for (const p of rated.presses) {
    const pressed = BigInt(p.pressedAt);
    if (p.ackedAt === null) lost.push(`${p.transactionId}: no ACK`);
    else keyToAck.push(msBetween(pressed, BigInt(p.ackedAt)));
    const committed = rig.committed.get(p.transactionId);
    if (committed === undefined) lost.push(`${p.transactionId}: never committed`);
    else pressToCommit.push(msBetween(pressed, committed));
  }
  return {
    load: loaded,
    keyToAck,
    pressToCommit,
    presses: rated.presses.length,
    lost,
    refused: rated.refused,
  };
}

/**
 * The bare echo, then the quiet phase and the loaded phase on one running terminal. One
 * after the other: run side by side, each would take the other's CPU on a small machine.
 */
export async function quietThenLoaded(
  durationMs: number,
): Promise<{ echo: number[]; quiet: Phase; loaded: Phase }> {
  const rig = await startLineRig();
  try {
    const echo = await echoRoundTrips(ECHO_ROUNDS);
    const quiet = await ratePhase(rig, { prefix: 'QUIET', durationMs, rate: TRICKLE_RATE });
    const loaded = await ratePhase(rig, { prefix: 'LOAD', durationMs, rate: RATE });
    return { echo, quiet, loaded };
  } finally {
    await rig.close();
  }
}

function lineFigures(echo: number[], quiet: Phase, loaded: Phase, seconds: number): Figure[] {
  const ack = (p: number): Figure => ({
    name: `KP/1 key → ACK (p${p}, ${quiet.keyToAck.length} presses)`,
    value: percentile(quiet.keyToAck, p),
    unit: 'ms',
    limit: percentile(echo, p),
    limitUnit: 'ms',
    limitWhat: 'the same 7 bytes echoed back over a bare socat pty pair',
    better: 'lower',
  });
  const commit = (p: number): Figure => ({
    name: `KP/1 press → rating committed, API at ${RATE} req/s for ${seconds} s (p${p}, ${loaded.pressToCommit.length} ratings)`,
    value: percentile(loaded.pressToCommit, p),
    unit: 'ms',
    limit: percentile(quiet.pressToCommit, p),
    limitUnit: 'ms',
    limitWhat: `the same presses with the API at ${TRICKLE_RATE} req/s`,
    better: 'lower',
  });
  const { load } = loaded;
  return [
    ack(50),
    ack(99),
    commit(50),
    commit(99),
    {
      name: `local API answers under load (${load.sent} requests, ${load.unexpected} unexpected)`,
      value: load.answered / (load.elapsedMs / 1000),
      unit: 'req/s',
      limit: RATE,
      limitUnit: 'req/s',
      limitWhat: 'the rate the business system sent at',
      better: 'higher',
    },
    {
      name: `local API answer at ${RATE} req/s (p99, from when it was due)`,
      value: load.p99Ms,
      unit: 'ms',
      limit: quiet.load.p99Ms,
      limitUnit: 'ms',
      limitWhat: `the same mix at ${TRICKLE_RATE} req/s`,
      better: 'lower',
    },
    {
      name: 'ratings committed under API load',
      value: (100 * loaded.pressToCommit.length) / Math.max(1, loaded.presses),
      unit: '%',
      limit: 100,
      limitUnit: '%',
      limitWhat: 'every press on an open prompt',
      better: 'higher',
    },
  ];
}

function complain(phase: Phase, what: string): void {
  // Figures are reported, not asserted; a lost rating or an API failure is still news.
  for (const line of [...phase.lost, ...phase.refused, ...phase.load.samples].slice(0, 10)) {
    console.error(`${what}: ${line}`);
  }
}

async function figures(seconds: number): Promise<Figure[]> {
  const { echo, quiet, loaded } = await quietThenLoaded(seconds * 1000);
  complain(quiet, 'quiet phase');
  complain(loaded, 'loaded phase');
  return lineFigures(echo, quiet, loaded, seconds);
}

/** Default bench: seconds per phase. */
export const keypadFigures = () => figures(10);
/** Soak: a minute per phase. */
export const apiLoadFigures = () => figures(60);
