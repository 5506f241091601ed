// `platform.profile: reference` (the reference upload interface, docs/integration.md):
// appMark and an HMAC secret, one signed upload of an empty list proves both.

import { createReferenceAdapter } from '../sync/adapters/reference.js';
import { APP_MARK_KEY } from './common.js';
import type { PlatformCommon, ProfileDescriptor } from './descriptor.js';
import { text } from './schema-builders.js';

export interface ReferencePlatform extends PlatformCommon {
  profile: 'reference';
  appMark: string;
  /** Secret. */
  secret: string;
}

export const referenceProfile: ProfileDescriptor<ReferencePlatform> = {
  name: 'reference',
  summary: 'reference',
  keys: {
    appMark: APP_MARK_KEY,
    secret: {
      schema: text('the signing secret the platform issued, as text', 1),
      describe: 'The signing secret the platform issued. Required with `reference`.',
      required: 'the signing secret the platform issued',
      secret: true,
      sampleAdvice: 'set the secret the platform issued for this terminal',
    },
  },
  // The schema has enforced the required keys; the casts only tell the types so.
  resolve: (file, common) => ({
    section: {
      ...common,
      profile: 'reference',
      appMark: file.appMark as string,
      secret: file.secret as string,
    },
  }),
  check: () => null,
  indicators: { nationalCodesOnly: false, inviteByDefault: true },
  doctor: {
    credentials:
      'check platform.appMark and platform.secret against what the platform issued for this terminal',
    address: 'check platform.url (the address ends before /evaluations) and platform.profile',
    what: 'upload interface',
  },
  createAdapter: (section) => createReferenceAdapter(section),
};
