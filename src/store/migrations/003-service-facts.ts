// The service facts a business system may give with a prompt (serviceNumber, proStatus,
// acceptDate, serviceTime, taskHandleItem), kept with the prompt so that a prompt
// brought back on screen after a restart rates the same service.
//
// One nullable JSON column on the prompt's row: the row is written anyway when the
// prompt opens, so the facts cost no extra page, and nothing indexes them. The records
// carry the same facts inside their JSON body (the forwarder reads them from there), so
// the outbox's commit and claim are unchanged. NULL: a prompt kept before this version;
// it reads as the defaults (serviceTime: when it opened).
import type { Migration } from './index.js';

export const serviceFacts: Migration = {
  version: 3,
  name: 'service-facts',
  sql: `
    ALTER TABLE prompts ADD COLUMN facts TEXT;
  `,
};
