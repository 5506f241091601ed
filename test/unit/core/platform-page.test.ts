// The URL mode in the rules: opening a prompt asks for the platform's page (an effect),
// and the page, when it comes, replaces the QR code of the prompt while it is open.
import { describe, expect, it } from 'vitest';
import type { QrCode } from '../../../src/core/model.js';
import { OWN_QR_CAPTION, PAGE_QR_CAPTION } from '../../../src/core/view.js';
import { clerk, coreConfig, Rig, request, types } from '../../helpers/core-fixture.js';

const OWN: QrCode = { url: 'https://hcp.example/m/rate?t=own', svg: '<svg id="own"/>' };
const PAGE: QrCode = { url: 'https://zwfw.fujian.gov.cn/hcp/h5?projectNo=TX-1', svg: '<svg id="page"/>' };

function opened(platformPage: boolean, training = false) {
  const r = new Rig(coreConfig({ platformPage, training }));
  r.send({ type: 'clerk_sign_in', clerk });
  r.send({
    type: 'open_prompt',
    promptId: 'p-1',
    request: request({ facts: { proStatus: '1', serviceTime: '2026-11-29 14:20:00' } }),
    alreadyRated: false,
    replace: false,
    qr: OWN,
  });
  return r;
}

describe('the URL mode in the rules', () => {
  it('opens the prompt at once with its own QR, and asks for the page after the screen', () => {
    const r = opened(true);
    expect(r.screen).toMatchObject({ kind: 'rate', qr: { url: OWN.url, caption: OWN_QR_CAPTION } });
    const effects = types(r.last.effects);
    expect(effects.indexOf('fetch_page')).toBeGreaterThan(effects.indexOf('render'));
    expect(r.last.effects.find((e) => e.type === 'fetch_page')).toEqual({
      type: 'fetch_page',
      promptId: 'p-1',
      transactionId: 'TX-1',
      service: { code: 'S-1', name: '个体工商户登记' },
      facts: {
        serviceNumber: 1,
        proStatus: '1',
        acceptDate: null,
        serviceTime: '2026-11-29 14:20:00',
        taskHandleItem: null,
      },
    });
  });

  it('asks for no page with the URL mode off, nor on a training terminal', () => {
    expect(types(opened(false).last.effects)).not.toContain('fetch_page');
    expect(types(opened(true, true).last.effects)).not.toContain('fetch_page');
  });

  it('replaces the QR with the page while the prompt is open, and tells the business system', () => {
    const r = opened(true);
    r.send({ type: 'platform_page', promptId: 'p-1', qr: PAGE });
    expect(r.screen).toMatchObject({
      kind: 'rate',
      qr: { url: PAGE.url, svg: PAGE.svg, caption: PAGE_QR_CAPTION },
    });
    expect(types(r.last.effects)).toEqual(['render', 'notify_prompt']);
    expect(r.state.session?.qr).toEqual({ ...PAGE, page: true });
    // The keys stay live: a rating on the terminal is taken as always.
    r.rate(5);
    expect(r.state.session).toBeNull();
  });

  it('drops a page for another prompt, or one that comes after the rating', () => {
    const r = opened(true);
    r.send({ type: 'platform_page', promptId: 'p-other', qr: PAGE });
    expect(r.last.effects).toEqual([]);
    expect(r.screen).toMatchObject({ qr: { url: OWN.url } });

    const rated = opened(true);
    rated.rate(2); // a 差评: the prompt stays on screen, on its reasons
    rated.send({ type: 'platform_page', promptId: 'p-1', qr: PAGE });
    expect(rated.last.effects).toEqual([]);
    expect(rated.state.session?.qr).toEqual(OWN);
  });
});
