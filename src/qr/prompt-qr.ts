// The QR code of one rating prompt: a signed link to the rating page and its SVG, in the
// shape the core carries (QrCode).

import type { QrCode } from '../core/model.js';
import { qrSvg } from './render.js';
import { buildPayload, makeToken, type PayloadFacts, qrUrl, randomNonce } from './token.js';

export interface PromptQrConfig {
  baseUrl: string;
  secret: string;
  ttlSeconds: number;
  /** Source of nonces; tests pass a fixed one. Defaults to 128 random bits. */
  nonce?: () => string;
}

/** What a prompt's QR code says; the TTL and nonce come from the configuration. */
export type PromptQrFacts = Omit<PayloadFacts, 'ttlSeconds' | 'nonce'>;

/** Synchronous because the engine asks for the QR inside its synchronous prompt opening. */
export function createPromptQrSync(cfg: PromptQrConfig, facts: PromptQrFacts): QrCode {
  const payload = buildPayload({ ...facts, ttlSeconds: cfg.ttlSeconds, nonce: (cfg.nonce ?? randomNonce)() });
  const url = qrUrl(cfg.baseUrl, makeToken(payload, cfg.secret));
  return { url, svg: qrSvg(url) };
}

export async function createPromptQr(cfg: PromptQrConfig, facts: PromptQrFacts): Promise<QrCode> {
  return createPromptQrSync(cfg, facts);
}
