// The platform section of the configuration schema, built from a registry of profiles
// (src/profiles): the common keys, then every profile's own keys in registry order. A
// key of another profile is an error: it would be silently ignored otherwise.

import { z } from 'zod';
import { commonShape } from '../profiles/common.js';
import type { AnyProfile, ProfileKey } from '../profiles/descriptor.js';
import { BUILT_IN_PROFILES, type ProfileRegistry } from '../profiles/registry.js';
import { evenWithOtherIssues, field, KEY_LINE_PARAMS, MISSING_PARAMS } from '../profiles/schema-builders.js';

/** The section as parsed: common keys resolved, a profile's own keys as written. */
export interface PlatformFile {
  url: string;
  profile: string;
  channel?: number | null | undefined;
  timeoutSeconds: number;
  readonly [key: string]: unknown;
}

/** Every key of the registry's profiles, once, in registry order; a shared key must be one ProfileKey. */
export function profileKeysOf(registry: ProfileRegistry): Map<string, ProfileKey> {
  const keys = new Map<string, ProfileKey>();
  for (const profile of registry) {
    for (const [name, key] of Object.entries(profile.keys)) {
      const known = keys.get(name);
      if (known !== undefined && known !== key) {
        throw new Error(
          `platform.${name} is a key of two profiles with different meanings; share one ProfileKey`,
        );
      }
      keys.set(name, key);
    }
  }
  return keys;
}

function buildPlatformSchema(registry: ProfileRegistry) {
  if (registry.length === 0) throw new Error('a registry needs at least one profile');
  const names = registry.map((p) => p.name) as [string, ...string[]];
  const own: Record<string, z.ZodType> = {};
  for (const [name, key] of profileKeysOf(registry)) {
    own[name] = key.schema.optional().meta({ description: key.describe });
  }
  const byName = new Map<string, AnyProfile>(registry.map((p) => [p.name, p]));
  return z
    .strictObject({
      ...commonShape(
        names,
        registry.map((p) => p.summary),
      ),
      ...own,
    })
    .superRefine((platform, ctx) => {
      const name = field(platform, 'profile') ?? names[0];
      const profile = typeof name === 'string' ? byName.get(name) : undefined;
      if (profile === undefined) return;
      for (const [key, { required }] of Object.entries(profile.keys)) {
        if (required === undefined || field(platform, key) !== undefined) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          params: MISSING_PARAMS,
          message: `it is required with platform.profile ${profile.name} (${required})`,
        });
      }
      const owners = new Map<string, string[]>();
      for (const other of registry) {
        for (const key of Object.keys(other.keys)) {
          if (other === profile || key in profile.keys || field(platform, key) === undefined) continue;
          owners.set(key, [...(owners.get(key) ?? []), other.name]);
        }
      }
      for (const [key, profiles] of owners) {
        const whose =
          profiles.length === 1 ? `the ${profiles[0]} profile` : `the ${profiles.join(' and ')} profiles`;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          params: KEY_LINE_PARAMS,
          message: `is a key of ${whose}, not of ${profile.name}; remove it, or check platform.profile`,
        });
      }
      profile.refine?.(platform as Record<string, unknown>, (key, kind, message) =>
        ctx.addIssue({
          code: 'custom',
          path: [key],
          params: kind === 'missing' ? MISSING_PARAMS : KEY_LINE_PARAMS,
          message,
        }),
      );
    }, evenWithOtherIssues) as unknown as z.ZodType<PlatformFile, unknown>;
}

const built = new WeakMap<ProfileRegistry, z.ZodType<PlatformFile, unknown>>();

/** The platform section's schema for a registry (built once per registry). */
export function platformSchemaFor(registry: ProfileRegistry): z.ZodType<PlatformFile, unknown> {
  let schema = built.get(registry);
  if (schema === undefined) {
    schema = buildPlatformSchema(registry);
    built.set(registry, schema);
  }
  return schema;
}

export const platformSchema = platformSchemaFor(BUILT_IN_PROFILES);
