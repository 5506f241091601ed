// The durability soak (`npm run bench -- soak`, or `-- durability`): 100 power cuts on
// ext4 and on xfs (the filesystem shut down without a log flush, then SIGKILL, re-mount,
// restart) and 1 000 SIGKILLs, each at a random moment in one of the write paths (see
// test/sim/durability-run.ts; past 100 if needed until each path has had 5 land in it),
// with the negative control (the same workload with
// synchronous=OFF) in the same run. Figures: ratings lost of those acknowledged (limit 0),
// the cuts landed in each path (limit 5: each path must get at least that many), and the
// control's losses (it must lose at least one, or the checks could not fail).
// HCP_SOAK_CUTS / HCP_SOAK_KILLS change the counts (e.g. for a short look).
import { type DurabilityReport, runDurability, summary } from '../sim/durability-run.js';
import { PATHS } from '../sim/durability-spec.js';
import type { Figure } from './format.js';

const CUTS = Number(process.env.HCP_SOAK_CUTS ?? 100);
const KILLS = Number(process.env.HCP_SOAK_KILLS ?? 1_000);
/** The least number of cuts each path must get, of 100 (scaled with the count). */
const PER_PATH = Math.max(1, Math.round((5 * CUTS) / 100));

/** Cuts count where they landed; kills (memory-fast writes, mostly killed between them) where aimed. */
function figures(label: string, r: DurabilityReport, perPath: number, by: 'landed' | 'aimed'): Figure[] {
  const out: Figure[] = [
    {
      name: `${label}: ratings lost`,
      value: r.lost,
      unit: 'ratings',
      limit: 0,
      limitUnit: 'ratings',
      limitWhat: `none of the ${r.acknowledged} acknowledged over ${r.runs} runs may be lost`,
      better: 'lower',
    },
    {
      name: `${label}: problems found (losses, integrity, duplicates at the platform, erased data back)`,
      value: r.problems.length,
      unit: 'problems',
      limit: 0,
      limitUnit: 'problems',
      limitWhat: 'none allowed',
      better: 'lower',
    },
  ];
  out.push({
    name: `${label}: erased blobs in the unused middle of rebuilt pages, awaiting the owner's compaction`,
    value: r.residue.length,
    unit: 'blobs',
    limit: 0,
    limitUnit: 'blobs',
    limitWhat: 'none after a compaction (those are problems); before one, secure_delete does not clear them',
    better: 'lower',
  });
  out.push({
    name: `${label}: compactions finished by the owners`,
    value: r.compactions,
    unit: 'compactions',
    limit: r.runs,
    limitUnit: 'runs',
    limitWhat: 'at most one at each start with erasures pending',
    better: 'higher',
  });
  for (const path of PATHS) {
    out.push({
      name: `${label}: ${by} ${by === 'landed' ? 'in' : 'at'} ${path}`,
      value: r[by][path] ?? 0,
      unit: 'runs',
      limit: perPath,
      limitUnit: 'runs',
      limitWhat:
        by === 'landed'
          ? `the least each path must get of ${r.runs}; ${r.aimed[path] ?? 0} aimed at it`
          : `the least each path must get of ${r.runs}; ${r.landed[path] ?? 0} killed inside one of its writes`,
      better: 'higher',
    });
  }
  return out;
}

export async function durabilityFigures(): Promise<Figure[]> {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const out: Figure[] = [];
  for (const disk of ['ext4', 'xfs'] as const) {
    const r = await runDurability({
      disk,
      runs: CUTS,
      landedPerPath: PER_PATH,
      maxRuns: CUTS * 1.5,
      progress,
      // A cut that found problems leaves its folders, journal and stderr here to be read.
      ...(process.env.HCP_SOAK_EVIDENCE ? { evidence: process.env.HCP_SOAK_EVIDENCE } : {}),
    });
    console.log(summary(`power cuts ${disk}`, r));
    for (const p of r.problems.slice(0, 20)) console.log(`  ${p}`);
    out.push(...figures(`power cuts ${disk}`, r, PER_PATH, 'landed'));
  }
  const control = await runDurability({
    disk: 'ext4',
    runs: 5,
    paths: ['rating', 'checkpoint'],
    syncOff: true,
    drain: false,
  });
  console.log(summary('control, synchronous=OFF', control));
  out.push({
    name: 'power cuts ext4, control with synchronous=OFF: ratings lost',
    value: control.lost,
    unit: 'ratings',
    limit: 1,
    limitUnit: 'ratings',
    limitWhat: `must lose at least one of ${control.acknowledged}, or the checks could not fail`,
    better: 'higher',
  });
  const killsPerPath = Math.max(1, Math.round((5 * KILLS) / 100));
  const kills = await runDurability({ disk: 'none', runs: KILLS, progress });
  console.log(summary('kills', kills));
  for (const p of kills.problems.slice(0, 20)) console.log(`  ${p}`);
  out.push(...figures('SIGKILLs', kills, killsPerPath, 'aimed'));
  return out;
}
