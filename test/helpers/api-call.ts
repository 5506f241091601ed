// One call to a running terminal's local API, as a workstation makes it: JSON in, the
// status and the parsed JSON answer (null when empty) out. It goes through the client
// generated from the OpenAPI document (haochaping-terminal/client), untyped here because
// the callers name paths and methods at run time; tests of the contract itself use the
// typed calls (api-rig.ts's `client`).
import { terminalClient } from 'haochaping-terminal/client';

export type ApiAnswer = { status: number; body: any };

export async function callApi(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  // `base` ends in /v1, and so the paths here do not start with it.
  const client = terminalClient({ baseUrl: base });
  const { response, data, error } = await client.request(
    method.toLowerCase() as 'get',
    path as '/v1/health',
    (body !== undefined ? { body } : {}) as never,
  );
  return { status: response.status, body: (response.ok ? data : error) ?? null };
}
