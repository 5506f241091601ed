// What one step must do, collected while the rules run and laid out at the end in
// the one safe order: persist, then the screen, then the rest.

import type { Effect, KeypadCommand, Reply, ReplyError, StoreOp } from './effects.js';
import type { CoreState } from './state.js';

export interface StepResult {
  state: CoreState;
  effects: Effect[];
  reply?: Reply;
}

/** Collects what one step must do, then lays it out in the one safe order. */
export class Out {
  readonly ops: StoreOp[] = [];
  readonly effects: Effect[] = [];
  readonly notify = new Set<string>();
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
  keypad(command: KeypadCommand) {
    this.effects.push({ type: 'keypad', command });
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
    effects.push(...this.effects);
    if (this.said) effects.push({ type: 'sound', clips: this.said });
    for (const promptId of this.notify) effects.push({ type: 'notify_prompt', promptId });
    if (this.forward) effects.push({ type: 'forward' });
    return this.reply ? { state, effects, reply: this.reply } : { state, effects };
  }
}

export function refuse(code: ReplyError, message: string): Reply {
  return { ok: false, code, message };
}
