// Who opened each prompt (`api`, `gwq`, `invite`), kept with it: the business system is
// told it with every answer and event, and a prompt brought back on screen after a
// restart keeps it (a GWQ prompt keeps having no QR code).
//
// A column on the prompt's row, written with the row when the prompt opens: no extra
// page, no index. Prompts kept before this version were the local API's, but for those
// the INVITE key opened. They are told by what only the key makes: a transaction id
// `{terminal id}-{yyyyMMdd}-{4 or more digits}` (src/core/step.ts, inviteRequest) on a
// single prompt with a clerk and no real-name data.
import type { Migration } from './index.js';

export const promptSource: Migration = {
  version: 4,
  name: 'prompt-source',
  sql: `
    ALTER TABLE prompts ADD COLUMN source TEXT NOT NULL DEFAULT 'api'
      CHECK (source IN ('api', 'gwq', 'invite'));
    UPDATE prompts SET source = 'invite'
      WHERE mode = 'single' AND clerk IS NOT NULL AND citizen_sealed IS NULL
        AND transaction_id GLOB '?*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*'
        AND transaction_id NOT GLOB '*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-*[^0-9]*';
  `,
};
