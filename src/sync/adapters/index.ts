// The platform profiles this build speaks, by their `platform.profile` name. A profile
// is one adapter; its settings arrive checked by src/config/platform-config.ts.

import { fujianOptions, nationalOptions } from '../../config/platform-config.js';
import type { PlatformSection } from '../../config/terminal-config.js';
import type { PlatformAdapter } from '../adapter.js';
import { createFujianAdapter } from './fujian/index.js';
import { fujianSettings } from './fujian/settings.js';
import type { TokenShelf } from './fujian/token.js';
import { createNationalAdapter } from './national.js';
import { createReferenceAdapter } from './reference.js';

/** `tokens`: the gateway tokens shared with the URL mode's page requests (profile fujian). */
export function createAdapter(platform: PlatformSection, tokens?: TokenShelf): PlatformAdapter {
  switch (platform.profile) {
    case 'reference':
      return createReferenceAdapter(platform);
    case 'national':
      return createNationalAdapter(nationalOptions(platform));
    case 'fujian':
      return createFujianAdapter(
        fujianOptions(platform),
        tokens?.cacheFor(fujianSettings(fujianOptions(platform))),
      );
  }
}
