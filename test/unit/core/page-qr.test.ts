// A page shown as a QR code (GWQ type 90) in the rules: shown only with no prompt open,
// with the clerk card, for prompt.timeoutSeconds; closed by the business system, a key, a
// touch, a new prompt or the clerk leaving; nothing of it is stored.
import { describe, expect, it } from 'vitest';
import { nextDeadline } from '../../../src/core/state.js';
import { clerk, opsOf, Rig } from '../../helpers/core-fixture.js';

const qr = { url: 'https://zwfw.example.gov.cn/hcp?t=1', svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' };

function shown(): Rig {
  const rig = new Rig();
  rig.send({ type: 'clerk_sign_in', clerk });
  expect(rig.send({ type: 'show_page', pageId: 'page-1', qr }).reply).toEqual({ ok: true });
  return rig;
}

describe('a page shown as a QR code', () => {
  it('shows the page large with the clerk card, stores nothing, and leaves after prompt.timeoutSeconds', () => {
    const rig = new Rig();
    rig.send({ type: 'clerk_sign_in', clerk });
    const result = rig.send({ type: 'show_page', pageId: 'page-1', qr });
    expect(opsOf(result.effects)).toEqual([]);
    expect(result.effects.map((e) => e.type)).toEqual(['render']);
    expect(rig.screen).toEqual({
      kind: 'page_qr',
      qr: { url: qr.url, svg: qr.svg, caption: '扫码评价', captionEn: 'Scan to rate' },
      clerk: { id: '0107', name: '林晓', department: '县税务局', photo: null, stars: 5 },
      deadline: rig.now + 60_000,
    });
    expect(nextDeadline(rig.state)).toBe(rig.now + 60_000);
    rig.advance(59_999);
    expect(rig.screen.kind).toBe('page_qr');
    rig.advance(1);
    expect(rig.screen.kind).toBe('idle');
    expect(nextDeadline(rig.state)).toBeNull();
  });

  it('is refused while a prompt is open, and never covers one', () => {
    const rig = new Rig();
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.open();
    expect(rig.send({ type: 'show_page', pageId: 'page-1', qr }).reply).toMatchObject({
      ok: false,
      code: 'prompt_open',
    });
    expect(rig.screen.kind).toBe('rate');
  });

  it('is closed by the business system, for its own page only', () => {
    const rig = shown();
    rig.send({ type: 'close_page', pageId: 'page-0' });
    expect(rig.screen.kind).toBe('page_qr');
    rig.send({ type: 'close_page', pageId: 'page-1' });
    expect(rig.screen.kind).toBe('idle');
  });

  it.each([
    ['a rating key', { type: 'key', position: 3 }],
    ['the pause key', { type: 'pause_key' }],
    ['a touch', { type: 'intent', intent: { type: 'dismiss' }, source: 'touch' }],
    ['a touch on anything', { type: 'intent', intent: { type: 'rate', level: 5 }, source: 'touch' }],
  ] as const)('is closed by %s, which rates nothing', (_what, event) => {
    const rig = shown();
    const result = rig.send(event);
    expect(rig.screen.kind).toBe('idle');
    expect(opsOf(result.effects).filter((o) => o.op !== 'clerk')).toEqual([]);
  });

  it('gives way to a new prompt and to the clerk signing out', () => {
    const rig = shown();
    rig.open();
    expect(rig.screen.kind).toBe('rate');
    expect(rig.state.pageQr).toBeNull();
    const again = shown();
    again.send({ type: 'clerk_sign_out' });
    expect(again.screen).toMatchObject({ kind: 'idle', clerkStatus: 'absent' });
  });

  it('replaces the thank-you, and a second page replaces the first', () => {
    const rig = new Rig();
    rig.send({ type: 'clerk_sign_in', clerk });
    rig.open();
    rig.rate(5);
    expect(rig.screen.kind).toBe('thanks');
    rig.send({ type: 'show_page', pageId: 'page-1', qr });
    expect(rig.screen.kind).toBe('page_qr');
    rig.send({ type: 'show_page', pageId: 'page-2', qr: { ...qr, url: 'https://zwfw.example.gov.cn/2' } });
    rig.send({ type: 'close_page', pageId: 'page-1' });
    expect(rig.screen).toMatchObject({ kind: 'page_qr', qr: { url: 'https://zwfw.example.gov.cn/2' } });
  });
});
