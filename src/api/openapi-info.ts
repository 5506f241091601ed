// The OpenAPI document's front matter: what the API is, the rules every route shares,
// and the groups its operations are in.

export const OPENAPI_INFO = {
  title: 'haochaping-terminal local API',
  version: '1',
  summary: "The rating terminal's local API for the window's business system.",
  description: [
    "The window's business system signs the clerk in, opens a rating prompt when a transaction is done, follows the",
    'event stream until the prompt is final, and reads the result back.',
    '',
    '- Base: `http://{api.host}:{api.port}/v1` (default `http://127.0.0.1:7480/v1`).',
    '- Auth: when api.token is set, every operation but getHealth needs `Authorization: Bearer {api.token}`.',
    '- Bodies are JSON in UTF-8, at most 64 KiB; unknown fields are refused; lengths count characters.',
    '- Every error body is `{"error": {"code", "message", "details"}}`: programs branch on `code`.',
    '- Checks run in this order and the first that fails answers: 429 → 401 → 415/413 → 400 → 404 → 503 → 409.',
    '- A known path asked with a method it does not have answers 405 `method_not_allowed` with `Allow`.',
    '- A client (by address) sending more than api.rateLimit requests a second (default 50; getHealth has a bucket of',
    '  its own) gets 429 `rate_limited` with `Retry-After`. Neither a 429 nor a 503 `busy` ever drops a rating.',
    '- A prompt is over when it is `final`, not when it is `rated`: wait for its event with `final: true`.',
    '- Unless api.revealRatings is on, nothing here tells how the citizen rated: `ratings` is always [].',
  ].join('\n'),
  license: {
    name: 'Proprietary: licensed with the terminal',
    identifier: 'LicenseRef-haochaping-terminal',
  },
} as const;

export const OPENAPI_TAGS = [
  { name: 'Health', description: "The terminal's state, for a status light: no token needed." },
  {
    name: 'Clerk',
    description: 'The clerk at this window: sign in (上岗), pause (暂停服务), resume, sign out (离岗).',
  },
  { name: 'Prompts', description: "Rating prompts on the citizen's screen: open, read, withdraw." },
  { name: 'Events', description: 'Server-Sent Events: prompt, keypad and platform changes as they happen.' },
  { name: 'Document', description: 'This OpenAPI document.' },
] as const;
