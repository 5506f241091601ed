// The idle screen's view: the hall's notices are on the idle screen only, and only when
// there are some; every other screen (a prompt, the thank-you) carries none.
import { describe, expect, it } from 'vitest';
import { coreConfig, Rig } from '../../helpers/core-fixture.js';

const NOTICES = { slides: [{ id: '0123456789abcdef', title: '1-办事指南' }], seconds: 10 };

describe('the idle view and the hall’s notices', () => {
  it('carries the notices on the idle screen, and none on a prompt or the thank-you', () => {
    const rig = new Rig(coreConfig({ idleSlides: NOTICES }));
    expect(rig.screen).toMatchObject({ kind: 'idle', clerkStatus: 'absent', slides: NOTICES });
    rig.send({ type: 'config', config: coreConfig({ idleSlides: NOTICES, mode: 'kiosk' }) });
    rig.open();
    expect(rig.screen.kind).toBe('rate');
    expect(rig.screen).not.toHaveProperty('slides');
    rig.rate(4);
    expect(rig.screen.kind).toBe('thanks');
    expect(rig.screen).not.toHaveProperty('slides');
    rig.advance(3_000);
    expect(rig.screen).toMatchObject({ kind: 'idle', clerkStatus: 'kiosk', slides: NOTICES });
  });

  it('says none when the folder gave none or none is configured', () => {
    expect(new Rig(coreConfig({ idleSlides: { slides: [], seconds: 10 } })).screen).toMatchObject({
      kind: 'idle',
      slides: null,
    });
    expect(new Rig(coreConfig()).screen).toMatchObject({ kind: 'idle', slides: null });
  });
});
