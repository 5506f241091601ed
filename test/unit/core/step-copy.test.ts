// A step never shares an object with the state it was given (the configuration aside,
// which is only ever replaced): the engine keeps the state before a step while its
// effects run, and a later step must not change it through a nested field.
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../../src/core/events.js';
import type { CoreState } from '../../../src/core/state.js';
import { step } from '../../../src/core/step.js';
import { clerk, coreConfig, Rig, request } from '../../helpers/core-fixture.js';

/** Every object reachable from the state, its configuration left out. */
function objectsOf(state: CoreState): Set<object> {
  const seen = new Set<object>();
  const walk = (value: unknown) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    for (const v of Object.values(value)) walk(v);
  };
  const { config: _config, ...rest } = state;
  for (const v of Object.values(rest)) walk(v);
  return seen;
}

function sharedWith(before: CoreState, event: CoreEvent, now: number): object[] {
  const after = step(before, event, now, ['id-a', 'id-b', 'id-c']).state;
  expect(after.config).toBe(before.config);
  const old = objectsOf(before);
  return [...objectsOf(after)].filter((o) => old.has(o));
}

describe('the state after a step', () => {
  const qr = { url: 'https://zwfw.example.gov.cn/hcp?t=1', svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' };

  it('shares nothing with the state before it, a prompt on screen and a page shown included', () => {
    const rig = new Rig(coreConfig());
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.send({ type: 'show_page', pageId: 'page-1', qr });
    expect(sharedWith(rig.state, { type: 'tick' }, rig.now + 1)).toEqual([]);

    rig.send({
      type: 'open_prompt',
      promptId: 'p-1',
      request: request({
        citizen: { name: '张三', idNumber: '350521199001011234', phone: '13800000000', type: 1 },
      }),
      alreadyRated: false,
      replace: false,
      qr: { url: qr.url, svg: qr.svg },
    });
    expect(rig.state.session).not.toBeNull();
    expect(sharedWith(rig.state, { type: 'tick' }, rig.now + 1)).toEqual([]);
    rig.rate(1);
    expect(rig.state.session?.phase.kind).toBe('reasons');
    expect(sharedWith(rig.state, { type: 'key', position: 2 }, rig.now + 1)).toEqual([]);
  });
});
