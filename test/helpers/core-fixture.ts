// A small harness for driving the pure rules with fake time and predictable ids.
import { readFileSync } from 'node:fs';
import type { Effect, StoreOp } from '../../src/core/effects.js';
import type { CoreEvent, PromptRequest } from '../../src/core/events.js';
import { DEFAULT_KEYMAP } from '../../src/core/levels.js';
import type { Clerk, CoreConfig } from '../../src/core/model.js';
import type { ReasonsCatalogue } from '../../src/core/reasons.js';
import { type CoreState, initialState } from '../../src/core/state.js';
import { type StepResult, step } from '../../src/core/step.js';
import { view } from '../../src/core/view.js';

export const catalogue = JSON.parse(
  readFileSync(new URL('../../assets/reasons.json', import.meta.url), 'utf8'),
) as ReasonsCatalogue;

export function coreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  return {
    terminalId: 'HA-0001',
    mode: 'counter',
    windowNo: '12',
    hallName: '惠安县行政服务中心',
    areaCode: '350521',
    channel: 4,
    keymap: DEFAULT_KEYMAP,
    promptTimeoutMs: 60_000,
    reasonsTimeoutMs: 30_000,
    thanksMs: 3_000,
    invite: { enabled: true, service: { code: '', name: '窗口服务' } },
    catalogue,
    goodIndicators: 'off',
    staticQr: null,
    training: false,
    ...overrides,
  };
}

export const clerk: Clerk = {
  id: '0107',
  name: '林晓',
  department: { code: 'D-TAX', name: '县税务局' },
  photo: null,
  stars: 5,
};

export function request(overrides: Partial<PromptRequest> = {}): PromptRequest {
  return {
    transactionId: 'TX-1',
    service: { code: 'S-1', name: '个体工商户登记' },
    departments: [{ code: 'D-MKT', name: '县市场监管局' }],
    mode: 'single',
    citizen: null,
    ...overrides,
  };
}

/** Holds a state and a clock; every step's effects are kept for the test to read. */
export class Rig {
  state: CoreState;
  now = 1_790_000_000_000;
  last!: StepResult;
  private idCounter = 0;

  constructor(config: CoreConfig = coreConfig()) {
    this.state = initialState(config);
  }

  send(event: CoreEvent): StepResult {
    const ids = Array.from({ length: 8 }, () => `id-${++this.idCounter}`);
    this.last = step(this.state, event, this.now, ids);
    this.state = this.last.state;
    return this.last;
  }

  advance(ms: number): StepResult {
    this.now += ms;
    return this.send({ type: 'tick' });
  }

  open(
    req: Partial<PromptRequest> = {},
    extra: { alreadyRated?: boolean; replace?: boolean } = {},
  ): StepResult {
    return this.send({
      type: 'open_prompt',
      promptId: `p-${++this.idCounter}`,
      request: request(req),
      alreadyRated: extra.alreadyRated ?? false,
      replace: extra.replace ?? false,
      qr: null,
    });
  }

  rate(level: 1 | 2 | 3 | 4 | 5, source: 'touch' | 'keypad' = 'touch'): StepResult {
    return this.send({ type: 'intent', intent: { type: 'rate', level }, source });
  }

  get screen() {
    return view(this.state, this.now).screen;
  }
}

export function opsOf(effects: Effect[]): StoreOp[] {
  return effects.flatMap((e) => (e.type === 'persist' ? e.ops : []));
}

export function types(effects: Effect[]): string[] {
  return effects.map((e) => e.type);
}

export function putRecords(effects: Effect[]) {
  return opsOf(effects).flatMap((o) => (o.op === 'records_put' ? o.records : []));
}
