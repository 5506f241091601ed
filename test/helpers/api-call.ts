// One call to a running terminal's local API, as a workstation makes it: JSON in, the
// status and the parsed JSON answer (null when empty) out.

export type ApiAnswer = { status: number; body: any };

export async function callApi(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const res = await fetch(base + path, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
