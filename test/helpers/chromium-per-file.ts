import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';

/** One Chromium for a test file: launched before its tests, closed after them. */
export function chromiumForFile(): () => Browser {
  let launched: Awaited<ReturnType<typeof launchChromium>> | null = null;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
  });
  return () => {
    if (!launched) throw new Error('Chromium was not launched for this file');
    return launched.browser;
  };
}
