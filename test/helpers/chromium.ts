// Debian's Chromium, driven by playwright-core. A missing browser fails the test with
// a message naming it (never a silent skip).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The flag README's kiosk command and `serve`'s hint carry: without it Chromium refuses
 * the sounds a keypad press starts (a key is no user gesture to it).
 */
export const AUTOPLAY_FLAG = '--autoplay-policy=no-user-gesture-required';

/** `args` replace the autoplay flag (to run Chromium as a kiosk set up without it). */
export async function launchChromium(
  args: readonly string[] = [AUTOPLAY_FLAG],
): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium fonts-noto-cjk`,
    );
  }
  // playwright gives every launch a fresh, empty profile of its own (the --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      ...args,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
