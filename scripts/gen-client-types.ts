// Writes src/api/client/openapi-types.ts from docs/openapi.json (run: npm run docs, after
// gen-openapi.ts has written the document).
import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_FILE, clientTypesText } from './client-types.js';

writeFileSync(CLIENT_TYPES_FILE, await clientTypesText());
console.log('wrote src/api/client/openapi-types.ts');
