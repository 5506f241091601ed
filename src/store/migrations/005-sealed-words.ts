// A platform's words about a record — the message of a refusal (reject_message) and of
// the last failed attempt (last_error) — may quote what it was sent, the citizen's name,
// id number or phone among it, in any format. They are sealed like the personal data:
// two BLOB columns beside the clear ones, which stay NULL from this version on.
//
// Words an earlier version kept in the clear can only be sealed with the key, which a
// migration does not have: the flag below asks the store's owner to seal them, and clear
// the old columns, right after it has migrated (RatingStore.open); it then removes the
// flag. The cells are overwritten (secure_delete) and the erasure counted, so the next
// compaction leaves no copy of the clear text in a page's unused middle.
import type { Migration } from './index.js';

export const SEAL_CLEAR_WORDS = 'seal_clear_words';

export const sealedWords: Migration = {
  version: 5,
  name: 'sealed-words',
  sql: `
    ALTER TABLE records ADD COLUMN reject_message_sealed BLOB;
    ALTER TABLE records ADD COLUMN last_error_sealed BLOB;
    INSERT INTO settings (key, value) VALUES ('${SEAL_CLEAR_WORDS}', '1')
      ON CONFLICT (key) DO UPDATE SET value = excluded.value;
  `,
};
