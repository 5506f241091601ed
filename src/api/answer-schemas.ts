// What the terminal answers, as named JSON Schemas for the OpenAPI document (the replies
// are written by the routes; these describe them, and the OpenAPI test checks real
// answers against them). The event stream's events are here too, each a schema of its
// own (event-schemas.ts), joined in `StreamEvent` with a discriminator on `event`. Answers are open
// (no additionalProperties: false): a field may be added beside them, and a client must
// not break then.

const ISO_EXAMPLE = '2026-11-29T01:41:00.000Z';
const PROMPT_ID = '5f0c2a8e-7a51-4d1c-9d59-2f6b8f1e3c11';
const QR_URL = 'https://hcp.example.gov.cn/m/rate?t=eyJ2IjoxfQ.c2lnbmF0dXJl';

export const qrCodeSchema = {
  $id: 'QrCode',
  type: 'object',
  description: "The prompt's QR code, with which the citizen may rate on a phone instead (一事一评).",
  required: ['url', 'svg'],
  properties: {
    url: {
      type: 'string',
      description: 'The text the QR code holds: the rating page with a signed token.',
      examples: [QR_URL],
    },
    svg: {
      type: 'string',
      description: 'The QR code as an SVG image, ready to show.',
      examples: ['<svg xmlns="http://www.w3.org/2000/svg" …></svg>'],
    },
  },
  examples: [{ url: QR_URL, svg: '<svg xmlns="http://www.w3.org/2000/svg" …></svg>' }],
} as const;

/** A QR code, or null (none configured, or the prompt is no longer open). */
const qrOrNull = {
  description:
    "The prompt's current QR code; null when no QR code is configured or the prompt is no longer open.",
  oneOf: [{ $ref: 'QrCode#' }, { type: 'null' }],
} as const;

const final = {
  type: 'boolean',
  description:
    'true once nothing about the prompt can change any more (every department rated or the rest left, ' +
    "the last 差评's reasons done, or expired, declined, cancelled). Until then it holds the screen, whatever its status.",
  examples: [false],
} as const;

const source = {
  type: 'string',
  enum: ['api', 'gwq', 'invite'],
  description:
    "Who opened it: this API, a business system speaking the GWQ evaluator protocol, or the clerk's INVITE key.",
  examples: ['api'],
} as const;

const status = {
  type: 'string',
  enum: ['open', 'rated', 'expired', 'declined', 'cancelled'],
  description:
    '`open`; `rated` from the moment a rating is given; `expired` (unanswered for prompt.timeoutSeconds); ' +
    '`declined` (the citizen chose 不评价); `cancelled` (withdrawn, signed out, or replaced).',
  examples: ['open'],
} as const;

export const ratingSchema = {
  $id: 'Rating',
  type: 'object',
  description: 'How the citizen rated one department (only when api.revealRatings is on).',
  required: ['department', 'level', 'reasons', 'comment', 'scope', 'ratedAt'],
  properties: {
    department: { $ref: 'Department#' },
    level: {
      type: 'integer',
      minimum: 1,
      maximum: 5,
      description: 'The platform’s level: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.',
      examples: [2],
    },
    reasons: {
      type: 'array',
      items: { type: 'string', description: 'A reason code of the hall’s catalogue.', examples: ['209'] },
      description: 'The reasons a 差评 gave (codes of the hall’s reasons catalogue); empty for a 好评.',
    },
    comment: {
      type: ['string', 'null'],
      description: 'The text that goes with the reasons, if any.',
      examples: [''],
    },
    scope: {
      type: ['string', 'null'],
      description:
        'What the rating covers: `single`, `overall` (one rating for a 并联审批), `department`, `package`.',
      examples: ['single'],
    },
    ratedAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the citizen gave it (ISO-8601, UTC).',
      examples: [ISO_EXAMPLE],
    },
  },
  examples: [
    {
      department: { code: '11350521MB0000000X', name: '县市场监管局' },
      level: 2,
      reasons: ['209'],
      comment: '',
      scope: 'single',
      ratedAt: ISO_EXAMPLE,
    },
  ],
} as const;

export const promptSchema = {
  $id: 'Prompt',
  type: 'object',
  description:
    'A rating prompt. Unless api.revealRatings is on, `ratings` is always [] and `ratingsHidden` is true: ' +
    'the business system learns that the citizen rated, not how.',
  required: ['id', 'transactionId', 'status', 'final', 'source', 'qr', 'ratings', 'ratingsHidden'],
  properties: {
    id: { type: 'string', description: "The prompt's id (opaque).", examples: [PROMPT_ID] },
    transactionId: {
      type: 'string',
      description: 'The transaction number it was opened for.',
      examples: ['TX-20261129-0001'],
    },
    status,
    final,
    source,
    qr: qrOrNull,
    ratings: {
      type: 'array',
      items: { $ref: 'Rating#' },
      description: 'One per department rated, when api.revealRatings is on; always [] otherwise.',
    },
    ratingsHidden: {
      type: 'boolean',
      description: 'true when api.revealRatings is off and `ratings` is therefore empty whatever happened.',
      examples: [true],
    },
  },
  examples: [
    {
      id: PROMPT_ID,
      transactionId: 'TX-20261129-0001',
      status: 'rated',
      final: true,
      source: 'api',
      qr: null,
      ratings: [],
      ratingsHidden: true,
    },
  ],
} as const;

export const openedPromptSchema = {
  $id: 'OpenedPrompt',
  type: 'object',
  description: 'The prompt just opened (or, for a retry, the one on screen).',
  required: ['id', 'status', 'expiresAt', 'qr', 'final', 'source'],
  properties: {
    id: {
      type: 'string',
      description: "The prompt's id: for GET/DELETE /v1/prompts/{id} and the events.",
      examples: [PROMPT_ID],
    },
    status: {
      type: 'string',
      enum: ['open', 'rated'],
      description: '`open`; a retry answers `rated` if the citizen has begun rating.',
      examples: ['open'],
    },
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description: 'When it expires unanswered (ISO-8601, UTC).',
      examples: [ISO_EXAMPLE],
    },
    qr: qrOrNull,
    final: { ...final, const: false, description: 'Always false here: the prompt is on screen.' },
    source,
  },
  examples: [
    { id: PROMPT_ID, status: 'open', expiresAt: ISO_EXAMPLE, qr: null, final: false, source: 'api' },
  ],
} as const;

export const clerkSchema = {
  $id: 'Clerk',
  type: 'object',
  description: 'The clerk signed in at this window, as stored.',
  required: ['id', 'name', 'department', 'photo', 'stars', 'status'],
  properties: {
    id: { type: 'string', description: "The clerk's staff number (工号).", examples: ['0107'] },
    name: { type: 'string', description: "The clerk's name.", examples: ['林晓'] },
    department: { $ref: 'Department#' },
    photo: { type: ['string', 'null'], description: 'The photo as a data: URL, or null.', examples: [null] },
    stars: { type: ['number', 'null'], description: 'The star rating shown, or null.', examples: [5] },
    status: {
      type: 'string',
      enum: ['serving', 'paused'],
      description: '恢复服务 (serving) or 暂停服务 (paused).',
      examples: ['serving'],
    },
  },
  examples: [
    {
      id: '0107',
      name: '林晓',
      department: { code: 'D-TAX', name: '县税务局' },
      photo: null,
      stars: 5,
      status: 'serving',
    },
  ],
} as const;

export const keypadState = {
  type: 'string',
  enum: ['online', 'offline', 'none'],
  description: 'The keypad: `online`, `offline`, or `none` (drivers hid and none).',
  examples: ['online'],
} as const;
export const keypadFault = {
  type: ['string', 'null'],
  enum: ['stuck_key', null],
  description: '`stuck_key` while a KP/1 keypad reports one, else null.',
  examples: [null],
} as const;
export const platformState = {
  type: 'string',
  enum: ['online', 'offline', 'auth_failed', 'misconfigured', 'unconfigured'],
  description: 'The provincial platform as the terminal last reached it.',
  examples: ['online'],
} as const;
export const pending = {
  type: 'integer',
  minimum: 0,
  description: 'Ratings not yet delivered, counted from the moment the citizen gives them.',
  examples: [0],
} as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  description: "The terminal's state.",
  required: [
    'status',
    'version',
    'terminalId',
    'keypad',
    'keypadFault',
    'platform',
    'store',
    'queue',
    'training',
  ],
  properties: {
    status: {
      type: 'string',
      const: 'ok',
      description: 'Always `ok`: the terminal answers.',
      examples: ['ok'],
    },
    version: { type: 'string', description: "The terminal software's version.", examples: ['0.1.0'] },
    terminalId: { type: 'string', description: "The terminal's id (terminal.id).", examples: ['HA-0001'] },
    keypad: keypadState,
    keypadFault,
    platform: platformState,
    store: {
      type: 'string',
      enum: ['ok', 'unavailable'],
      description: '`unavailable` while the store cannot be written (disk full, read-only).',
      examples: ['ok'],
    },
    queue: {
      type: 'object',
      description: 'The ratings waiting for the platform.',
      required: ['pending', 'rejected'],
      properties: {
        pending,
        rejected: {
          type: 'integer',
          minimum: 0,
          description: 'Ratings the platform refused (see the diagnostics screen).',
          examples: [0],
        },
      },
    },
    training: {
      type: 'boolean',
      description: 'true on a training terminal (nothing is forwarded).',
      examples: [false],
    },
  },
  examples: [
    {
      status: 'ok',
      version: '0.1.0',
      terminalId: 'HA-0001',
      keypad: 'online',
      keypadFault: null,
      platform: 'online',
      store: 'ok',
      queue: { pending: 0, rejected: 0 },
      training: false,
    },
  ],
} as const;

export const errorDetailSchema = {
  $id: 'ErrorDetail',
  type: 'object',
  description: 'One offending field.',
  required: ['field', 'problem'],
  properties: {
    field: {
      type: 'string',
      description: 'The field as the request writes it: departments[0].name.',
      examples: ['transactionId'],
    },
    problem: {
      type: 'string',
      description: 'What is wrong with it, in words.',
      examples: ['must be at most 50 characters'],
    },
  },
  examples: [{ field: 'transactionId', problem: 'must be at most 50 characters' }],
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every refusal: {"error": {"code", "message", "details"}}.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      description: 'What was refused and why.',
      required: ['code', 'message', 'details'],
      properties: {
        code: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_]*$',
          description: 'snake_case and stable: programs branch on it.',
          examples: ['invalid_request'],
        },
        message: {
          type: 'string',
          description: 'Human words; may change.',
          examples: ['Some fields break the rules.'],
        },
        details: {
          type: 'array',
          items: { $ref: 'ErrorDetail#' },
          description: 'The offending fields, where there are any (else []).',
        },
      },
    },
  },
  examples: [
    {
      error: {
        code: 'invalid_request',
        message: 'Some fields break the rules.',
        details: [{ field: 'transactionId', problem: 'must be at most 50 characters' }],
      },
    },
  ],
} as const;

/** Every answer schema the routes name by `$ref`. */
export const ANSWER_SCHEMAS = [
  qrCodeSchema,
  ratingSchema,
  promptSchema,
  openedPromptSchema,
  clerkSchema,
  healthSchema,
  errorDetailSchema,
  errorSchema,
] as const;
