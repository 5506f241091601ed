// The URL mode's I/O: asking the platform for its own rating page of a prompt (a
// profile's `pages`, e.g. fujian's `platform.urlMode: qr`). The core says when (a
// `fetch_page` effect); the Terminal runs it through a PageSource and hands the answer
// back as an event. The profile builds the source; this file only says whether one is
// wanted and hands the profile what it needs.

import { type Clock, systemClock } from '../base/clock.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import type { PlatformSection } from '../profiles/registry.js';
import {
  BUILT_IN_PROFILES,
  type ProfileRegistry,
  profileNamed,
  type SharedStates,
} from '../profiles/registry.js';
import type { Transport } from '../sync/http-transport.js';
import type { PageSource } from '../sync/page-source.js';

export interface PageSourceOptions {
  /** The profiles' shared state (fujian: its gateway tokens, shared with the forwarder's adapter). */
  shared: SharedStates;
  transport?: Transport;
  /** The gateway's clock for token timestamps: the real one (the engine's may be a test's). */
  clock?: Clock;
  profiles?: ProfileRegistry;
}

/** What the URL mode reads of a configuration. */
export interface PageConfig {
  platform: PlatformSection | null;
  terminal: Pick<TerminalConfig['terminal'], 'id' | 'areaCode' | 'windowNo' | 'training'>;
}

/** Whether a configuration asks for the platform's pages: never on a training terminal. */
export function wantsPages(config: PageConfig, profiles: ProfileRegistry = BUILT_IN_PROFILES): boolean {
  const p = config.platform;
  if (config.terminal.training || p === null) return false;
  return profileNamed(profiles, p.profile)?.pages?.wanted(p) ?? false;
}

/** The page source a configuration describes, or null when the URL mode is off. */
export function pageSourceOf(config: PageConfig, options: PageSourceOptions): PageSource | null {
  const profiles = options.profiles ?? BUILT_IN_PROFILES;
  const p = config.platform;
  if (p === null || !wantsPages(config, profiles)) return null;
  const pages = profileNamed(profiles, p.profile)?.pages;
  if (!pages) return null;
  const t = config.terminal;
  return pages.source(
    p,
    { id: t.id, areaCode: t.areaCode, windowNo: t.windowNo },
    options.shared.of(p.profile),
    {
      ...(options.transport ? { transport: options.transport } : {}),
      clock: options.clock ?? systemClock,
    },
  );
}
