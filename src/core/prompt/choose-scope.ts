// 并联审批's first screen: one 总体评价 for every department, or 分部门评价 one by one.
// It is the first phase of such a prompt (prompt/enter.ts firstPhase); choosing leaves it.

import type { Intent } from '../events.js';
import type { CoreState, Session } from '../state.js';
import type { Out } from '../step-out.js';
import { scopeChosen } from '../voice.js';
import { enterRate } from './rate.js';

/** The citizen chose how to rate: the prompt's time runs on as it was. */
export function chooseScope(
  state: CoreState,
  s: Session,
  out: Out,
  now: number,
  scope: Extract<Intent, { type: 'choose_scope' }>['scope'],
): void {
  enterRate(s, out, now, scope === 'overall' ? 'all' : 0, s.deadline, () => scopeChosen(state, scope));
}
