// The Fujian gateway's HTTP statuses other than success and 401/403 (a refused token,
// read by each call): a 4xx carrying the gateway's own JSON or SOAP says an address or
// path is wrong; a 4xx whose body is neither came from a proxy or firewall on the way
// and judges nothing; the rest read as in the reference profile.

import type { UploadOutcome, UploadResponse } from '../../adapter.js';
import { interceptedOutcome, isJsonBody, outcomeOfStatus } from '../../http-outcome.js';
import { isXmlBody } from './soap.js';

/** `wrong`: which settings a 4xx from the gateway itself points at. */
export function gatewayStatusOutcome(response: UploadResponse, now: number, wrong: string): UploadOutcome {
  const { status } = response;
  const clientError = status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (!clientError || status === 401 || status === 403) return outcomeOfStatus(response, now);
  if (!isJsonBody(response.body) && !isXmlBody(response.body)) return interceptedOutcome(response);
  return { kind: 'misconfigured', status, message: `HTTP ${status}: ${wrong}` };
}
