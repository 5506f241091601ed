// Names for a store file moved aside for a technician (damaged, replaced, an old WAL):
// one not yet taken, by the file itself nor by its SQLite -wal and -shm companions.
import { existsSync } from 'node:fs';

/** `FILE.damaged-<UTC time>`, not yet taken, for a file moved aside for examination. */
export function damagedName(path: string, now = new Date()): string {
  return asideName(path, 'damaged', now);
}

/** `FILE.<label>-<UTC time>`, not yet taken (nor its -wal and -shm), for a file moved aside. */
export function asideName(path: string, label: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const taken = (p: string) => existsSync(p) || existsSync(`${p}-wal`) || existsSync(`${p}-shm`);
  let aside = `${path}.${label}-${stamp}`;
  for (let n = 2; taken(aside); n++) aside = `${path}.${label}-${stamp}-${n}`;
  return aside;
}
