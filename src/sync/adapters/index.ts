// The platform profiles this build speaks, by their `platform.profile` name.

import type { PlatformSection } from '../../config/terminal-config.js';
import type { PlatformAdapter } from '../adapter.js';
import { createReferenceAdapter } from './reference.js';

export function createAdapter(platform: PlatformSection): PlatformAdapter {
  switch (platform.profile) {
    case 'reference':
      return createReferenceAdapter(platform);
  }
}
