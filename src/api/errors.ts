// The contract's error body: {"error": {"code", "message", "details"}}. Every refusal
// the API gives goes through here, so no framework's own wording reaches a client.

export interface ErrorDetail {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []) {
  return { error: { code, message, details } };
}

/** The engine's refusals and the HTTP status the contract gives each. */
export const REPLY_STATUS: Record<string, number> = {
  not_found: 404,
  store_unavailable: 503,
  prompt_open: 409,
  already_rated: 409,
  clerk_absent: 409,
  clerk_paused: 409,
  kiosk_has_no_clerk: 409,
  not_open: 409,
};
