// What one step must do, collected while the rules run and laid out at the end in
// the one safe order: persist, then the screen, then the rest.

import { type ActivityLine, clerkLines } from './activity.js';
import type { Effect, KeypadCommand, PromptChange, Reply, ReplyError, StoreOp } from './effects.js';
import type { ClerkState, RatingRecord } from './model.js';
import type { CoreState, Session } from './state.js';

export interface StepResult {
  state: CoreState;
  effects: Effect[];
  reply?: Reply;
}

/** Collects what one step must do, then lays it out in the one safe order. */
export class Out {
  readonly ops: StoreOp[] = [];
  readonly effects: Effect[] = [];
  /** What the business system is told of prompts, in the order it happened. */
  private readonly changes: PromptChange[] = [];
  /** The log's lines and the ratings pressed, in one queue: their order is the log's. */
  private readonly notes: Effect[] = [];
  private readonly finals: RatingRecord[] = [];
  forward = false;
  render = false;
  reply: Reply | undefined;
  /** What to say; only the last said in a step is heard (it replaces the one before). */
  private said: string[] | null = null;

  /** Nothing to say (a guide that is off) leaves whatever is being said alone. */
  say(clips: string[]) {
    if (clips.length > 0) this.said = clips;
  }
  /** Stops whatever is still being said: its screen is gone. */
  silence() {
    this.said = [];
  }
  log(line: ActivityLine) {
    this.notes.push({ type: 'log', ...line });
  }
  /** The records of a press, committed now (logged as rating_committed). */
  rated(records: RatingRecord[]) {
    this.notes.push({ type: 'rated', records });
  }
  /** Records written (inserted, or updated while not final); those final are told as such. */
  putRecords(records: RatingRecord[]) {
    this.ops.push({ op: 'records_put', records });
    for (const r of records) if (r.final) this.finals.push(r);
  }
  /** The clerk is now `next` (written), and the log says how they came from `was`. */
  clerk(was: ClerkState | null, next: ClerkState | null, signIn = false) {
    this.ops.push({ op: 'clerk', clerk: next });
    for (const line of clerkLines(was, next, signIn)) this.log(line);
  }
  keypad(command: KeypadCommand) {
    this.effects.push({ type: 'keypad', command });
  }
  /** The business system hears of the prompt as it stands (opened, first rated, new QR code). */
  changed(s: Pick<Session, 'id' | 'status' | 'source'>) {
    this.tell({ promptId: s.id, status: s.status, final: false, source: s.source });
  }
  /** The prompt is over: its last change, and the one that says so. */
  ended(s: Pick<Session, 'id' | 'status' | 'source'>) {
    this.tell({ promptId: s.id, status: s.status, final: true, source: s.source });
  }
  private tell(change: PromptChange) {
    const last = this.changes[this.changes.length - 1];
    if (last?.promptId === change.promptId && last.status === change.status && last.final === change.final)
      return;
    this.changes.push(change);
  }
  done(state: CoreState): StepResult {
    const effects: Effect[] = [];
    // A prompt rated and ended in the same step needs only its end written.
    const ended = new Set(this.ops.flatMap((o) => (o.op === 'prompt_end' ? [o.id] : [])));
    const ops = this.ops.filter((o) => !(o.op === 'prompt_status' && ended.has(o.id)));
    if (ops.length > 0) effects.push({ type: 'persist', ops });
    // The screen first once the data is on disk: the citizen is waiting on it; the
    // keypad, the business system and the forwarder are not.
    if (this.render) effects.push({ type: 'render' });
    // What the log says of the data on disk, once the citizen sees it: dropped with it
    // should the persist fail.
    effects.push(...this.notes);
    effects.push(...this.effects);
    if (this.said) effects.push({ type: 'sound', clips: this.said });
    // The queue's new count goes out right after a prompt's first rating, before its end
    // if both came in one step: a 好评 ended by its press must tell the same sequence as a
    // 差评, whose end comes only after its reasons.
    let forward = this.forward;
    for (const change of this.changes) {
      effects.push({ type: 'notify_prompt', ...change });
      if (forward && change.status === 'rated' && !change.final) {
        effects.push({ type: 'forward' });
        forward = false;
      }
      if (change.final) {
        effects.push({
          type: 'prompt_final',
          promptId: change.promptId,
          status: change.status,
          source: change.source,
        });
      }
    }
    if (forward) effects.push({ type: 'forward' });
    if (this.finals.length > 0) effects.push({ type: 'final', records: this.finals });
    return this.reply ? { state, effects, reply: this.reply } : { state, effects };
  }
}

export function refuse(code: ReplyError, message: string, promptId?: string): Reply {
  return promptId === undefined ? { ok: false, code, message } : { ok: false, code, message, promptId };
}
