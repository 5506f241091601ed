// What the API may ask of the engine: an interface, so the API never reaches into it.
import type { PromptChange, Reply } from '../core/effects.js';
import type { PromptRequest } from '../core/events.js';
import type { Clerk, ClerkState, KeypadFault, KeypadState, PlatformState, QrCode } from '../core/model.js';
import type { PromptSummary, QueueCounts } from '../core/summaries.js';

export interface HealthFacts {
  store: 'ok' | 'unavailable';
  keypad: KeypadState;
  keypadFault: KeypadFault;
  platform: PlatformState;
  queue: QueueCounts | null;
  training: boolean;
}

export interface ApiListeners {
  prompt?: (promptId: string, change: PromptChange) => void;
  keypadState?: (state: KeypadState, fault: KeypadFault) => void;
  platformState?: (state: PlatformState, pending: number) => void;
}

export interface ApiOperations {
  health(): HealthFacts;
  /** The terminal's clock (epoch ms): what a prompt's serviceTime is checked against. */
  now(): number;
  readonly clerk: ClerkState | null;
  readonly mode: 'counter' | 'kiosk';
  signIn(clerk: Clerk): Reply;
  signOut(): Reply;
  setClerkStatus(status: 'serving' | 'paused'): Reply;
  openPrompt(
    request: PromptRequest,
    options: { replace?: boolean },
  ): Reply & { promptId?: string; expiresAt?: number; qr?: QrCode | null; retried?: boolean };
  getPrompt(promptId: string): PromptSummary | null;
  /** The prompt that is not final yet (on screen), or null. */
  currentPromptId(): string | null;
  /** The prompt's current QR code while it is open, else null. */
  qrOf(promptId: string): QrCode | null;
  /** The QR code once the platform's page came or the URL mode's wait is over (at once without it). */
  settledQr(promptId: string): Promise<QrCode | null>;
  cancelPrompt(promptId: string): Reply;
  subscribe(listeners: ApiListeners): () => void;
}
