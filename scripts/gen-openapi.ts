// Writes docs/openapi.json (run: npm run docs).
import { writeFileSync } from 'node:fs';
import { openApiText, servedOpenApi } from './openapi-doc.js';

const { doc } = await servedOpenApi();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), openApiText(doc));
console.log('wrote docs/openapi.json');
