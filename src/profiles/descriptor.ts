// What a platform profile is: one descriptor that owns everything the terminal knows of
// one kind of platform — its `platform.*` keys (schema, meaning, whether required or
// secret), its defaults (written only in resolve()), the checks of its adapter and the
// advice on them, its doctor wording, its indicator policy, its adapter factory and, if
// it has one, its URL mode. src/config and the engine read descriptors generically;
// src/sync never sees one (it is handed an adapter built from resolved settings).

import type { z } from 'zod';
import type { Clock } from '../base/clock.js';
import type { PlatformAdapter } from '../sync/adapter.js';
import type { CredentialsCheck } from '../sync/check-credentials.js';
import type { Transport } from '../sync/http-transport.js';
import type { PageSource, PageTerminal } from '../sync/page-source.js';

/** What every resolved platform section has, whatever its profile. */
export interface PlatformCommon {
  profile: string;
  url: string;
  /** The record's pf code: 4 on a counter, 5 on a kiosk unless configured. */
  channel: number;
  timeoutSeconds: number;
}

/** The common keys resolved, handed to a profile's resolve(), which adds `profile` and its own. */
export type CommonSettings = Omit<PlatformCommon, 'profile'>;

/** One `platform.*` key of a profile. */
export interface ProfileKey {
  /** The key's check, carrying its own "expected …" phrase; the key is optional in the file. */
  schema: z.ZodType;
  /** What the key means, for docs/configuration.md. */
  describe: string;
  /** Set when the profile requires the key: what it is, for "it is required with …". */
  required?: string;
  /** Never printed or logged; redacted wherever a configuration is shown. */
  secret?: boolean;
  /** A secret copied from a sample warns at load with this advice. */
  sampleAdvice?: string;
  /** What to do when the profile's own check refuses the key (its message says what is wrong). */
  advice?: string;
}

/** How a profile's resolve() reaches files named in the section. */
export interface ResolveContext {
  /** The configuration file, to start every message with. */
  label: string;
  /** A path as written, made absolute (relative to the configuration file). */
  resolvePath(written: string): string;
  /**
   * A regular file of at most maxBytes, or the whole message line saying why not
   * (`LABEL: platform.KEY: …`, with the path and what to check).
   */
  readFile(key: string, file: string, maxBytes: number): { bytes: Buffer } | { error: string };
}

/** A setting the adapter cannot work with: `platform.KEY: why`, and the file it is in, if any. */
export interface ProfileProblem {
  message: string;
  inFile?: string;
}

/** The section as parsed: the common keys resolved, the profile's own keys as written (or absent). */
export type FileSection = Readonly<Record<string, unknown>>;

export interface PageOptions {
  transport?: Transport;
  /** The gateway's clock for token timestamps. */
  clock: Clock;
}

export interface ProfileDescriptor<S extends PlatformCommon = PlatformCommon, Shared = unknown> {
  name: S['profile'];
  /** Its part of the `platform.profile` expected phrase, e.g. "national (the national evaluation interface)". */
  summary: string;
  /** Its keys beyond url, profile, channel and timeoutSeconds, in the order the docs list them. */
  keys: Readonly<Record<string, ProfileKey>>;
  /** Checks between keys of the section as written; `issue` reports one on a key. */
  refine?(
    section: FileSection,
    issue: (key: string, kind: 'missing' | 'line', message: string) => void,
  ): void;
  /**
   * The section with every default filled in (the ONLY place a profile's defaults are
   * written), or the message line saying why a file it names cannot be used.
   */
  resolve(file: FileSection, common: CommonSettings, ctx: ResolveContext): { section: S } | { error: string };
  /** The adapter's own checks of what the schema cannot see; null when it can work with it. */
  check(section: S): ProfileProblem | null;
  indicators: {
    /** The platform takes only the national indicator codes as evalDetail. */
    nationalCodesOnly: boolean;
    /** The clerk's INVITE key opens a prompt unless `prompt.invite.enabled` says otherwise. */
    inviteByDefault: boolean;
  };
  doctor: {
    /** A line doctor fails on before asking the platform at all, with what to do. */
    preflight?(section: S): { problem: string; fix: string } | null;
    /** The probe proves only that the address answers (the line is then a warning). */
    addressOnly?: boolean;
    /** The warning line when the address answered but proved nothing more. */
    answered?(url: string, status: number | null): string;
    /** The line when the probe passed; default `URL: DETAIL`. */
    okLine?(url: string, check: CredentialsCheck): string;
    /** What to check when the platform refuses the credentials. */
    credentials: string;
    /** What to check when the answer is not this profile's. */
    address: string;
    /** What the address is, in "answered, but not as a PROFILE WHAT". */
    what: string;
  };
  /** State kept across reloads and shared by the adapter and the pages (fujian's tokens). */
  shared?(): Shared;
  createAdapter(section: S, shared?: Shared): PlatformAdapter;
  /** The URL mode: the platform's own rating page of each prompt, shown as its QR code. */
  pages?: {
    wanted(section: S): boolean;
    source(section: S, terminal: PageTerminal, shared: Shared | undefined, options: PageOptions): PageSource;
  };
}

/** A descriptor of any profile, as a registry holds them. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds descriptors of different section types
export type AnyProfile = ProfileDescriptor<any, any>;

/** The message of an adapter's own check error, or rethrows what is no such error. */
export function problemOf(
  err: unknown,
  kind: new (...args: never[]) => Error,
  inFile?: string,
): ProfileProblem {
  if (!(err instanceof kind)) throw err;
  return inFile === undefined ? { message: err.message } : { message: err.message, inFile };
}
