// Which records stay on this terminal (state `local`, migration 006): those of a prompt
// whose ratings no platform can take — the GWQ protocol's, whose business system reports
// the level itself. The prompt's `source` (migration 004) decides, in SQL, so that every
// path that makes a record final (a press, the reasons submitted, a recovery after a power
// cut) keeps it local without being told.

/** SQL: the record bound as @prompt_id belongs to a GWQ prompt. */
const GWQ_PROMPT = `EXISTS (SELECT 1 FROM prompts WHERE prompts.id = @prompt_id AND prompts.source = 'gwq')`;

/** SQL for the state a record is written in, from the state the rules gave it (@state). */
export const STATE_WRITTEN = `CASE WHEN @state = 'pending' AND ${GWQ_PROMPT} THEN 'local' ELSE @state END`;

/**
 * SQL: a row of `records` is a draft of a GWQ prompt. It is not queued for a platform: a
 * GWQ 差评 on its reasons screen must not show in `queue.pending` (a 好评 never does).
 */
export const LOCAL_DRAFT = `(records.state = 'draft' AND EXISTS (SELECT 1 FROM prompts
  WHERE prompts.id = records.prompt_id AND prompts.source = 'gwq'))`;
