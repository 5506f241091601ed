// Writes docs/configuration.md (run: npm run docs).
import { writeFileSync } from 'node:fs';
import { descriptionGaps, renderConfigDocs } from './config-docs.js';

const target = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigDocs());
const { undescribed, stale } = descriptionGaps();
for (const key of undescribed)
  console.warn(`warning: ${key} has no description: add one to scripts/config-descriptions.ts`);
for (const key of stale)
  console.warn(`warning: scripts/config-descriptions.ts describes ${key}, which the schema no longer has`);
console.log('wrote docs/configuration.md');
