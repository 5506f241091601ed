// The profiles this build speaks. A new province is one descriptor module and one line
// here (docs/architecture.md, "How to add a platform profile"); everything else reads the
// registry. A registry can also be handed in (loadConfig, startForwarding, runDoctor take
// one), which is how the tests add a made-up profile without touching this list.

import type { PlatformAdapter } from '../sync/adapter.js';
import type { AnyProfile, PlatformCommon } from './descriptor.js';
import { type FujianPlatform, fujianProfile } from './fujian.js';
import { type NationalPlatform, nationalProfile } from './national.js';
import { type ReferencePlatform, referenceProfile } from './reference.js';

/** The first is the default of `platform.profile`. */
export const BUILT_IN_PROFILES = [referenceProfile, nationalProfile, fujianProfile] as const;

export type ProfileRegistry = readonly AnyProfile[];

/** A resolved section of one of the built-in profiles. */
export type PlatformSection = ReferencePlatform | NationalPlatform | FujianPlatform;

/** The descriptor of a `platform.profile` name, or undefined when the registry has none. */
export function profileNamed(registry: ProfileRegistry, name: string): AnyProfile | undefined {
  return registry.find((p) => p.name === name);
}

/** Like profileNamed, for a section the configuration loader resolved with this registry. */
export function profileOf(registry: ProfileRegistry, section: { profile: string }): AnyProfile {
  const profile = profileNamed(registry, section.profile);
  if (!profile) throw new Error(`platform.profile ${section.profile} is not a profile of this build`);
  return profile;
}

/** The adapter a resolved section describes; `shared`: its profile's shared state, if kept. */
export function adapterOf<S extends PlatformCommon>(
  section: S,
  registry: ProfileRegistry = BUILT_IN_PROFILES,
  shared?: unknown,
): PlatformAdapter {
  return profileOf(registry, section).createAdapter(section, shared);
}

/**
 * Each profile's shared state (its `shared()`), made the first time it is asked for and
 * then kept, across reloads, for the life of the terminal.
 */
export class SharedStates {
  private readonly states = new Map<string, unknown>();

  constructor(private readonly registry: ProfileRegistry = BUILT_IN_PROFILES) {}

  of(name: string): unknown {
    if (!this.states.has(name)) this.states.set(name, profileNamed(this.registry, name)?.shared?.());
    return this.states.get(name);
  }
}
