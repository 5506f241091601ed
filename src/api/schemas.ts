// What the business system sends, as named JSON Schemas: the framework validates every
// request with them (lengths count Unicode code points, the validator's default, as the
// contract says), and the OpenAPI document lists them under `components` by these very
// names, so what is documented is what is enforced. Each field says what it is for.

/** `yyyy-MM-dd HH:mm:ss` in UTC+8. Its shape here; a day no calendar has (02-30) is refused by the route. */
export const CST_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$';

const cstDateTime = (description: string, example: string) =>
  ({
    type: 'string',
    pattern: CST_PATTERN,
    description: `${description} \`yyyy-MM-dd HH:mm:ss\` in UTC+8 (China Standard Time), a real date.`,
    examples: [example],
  }) as const;

const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';

/** Text without control characters, min..max characters long. */
const text = (min: number, max: number, description: string, example: string) =>
  ({
    type: 'string',
    minLength: min,
    maxLength: max,
    pattern: NO_CONTROL,
    description,
    examples: [example],
  }) as const;

export const departmentSchema = {
  $id: 'Department',
  type: 'object',
  description: 'A department of the hall (县税务局, 县市场监管局 …) as the platform knows it.',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: text(1, 64, "The department's code on the platform (部门编码).", '11350521MB0000000X'),
    name: text(1, 100, "The department's name as the citizen reads it.", '县市场监管局'),
  },
  examples: [{ code: '11350521MB0000000X', name: '县市场监管局' }],
} as const;

export const serviceSchema = {
  $id: 'Service',
  type: 'object',
  description: 'The service (事项) the transaction was for.',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: text(
      0,
      64,
      'The service code on the platform (事项编码); empty when it has none.',
      '350521-S-0001',
    ),
    name: text(1, 100, 'The service name (事项名称) as the citizen reads it.', '个体工商户登记'),
  },
  examples: [{ code: '350521-S-0001', name: '个体工商户登记' }],
} as const;

export const citizenSchema = {
  $id: 'Citizen',
  type: 'object',
  description:
    'Optional real-name data about the citizen. Personal data: sealed at rest, never logged, shown on screen ' +
    'only masked, and sent to the platform only if the citizen turns 实名评价 on.',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: text(1, 50, "The citizen's name.", '陈秀英'),
    idNumber: {
      type: 'string',
      maxLength: 32,
      pattern: '^[0-9A-Za-z]*$',
      description: "The citizen's identity document number (letters and digits).",
      examples: ['350521199001011234'],
    },
    phone: {
      type: 'string',
      maxLength: 20,
      pattern: '^[0-9+\\- ]*$',
      description: "The citizen's phone number (digits, +, - and spaces).",
      examples: ['13800000000'],
    },
    type: {
      type: 'integer',
      enum: [1, 2],
      description: '1 a person (default), 2 a company or organisation.',
      examples: [1],
    },
  },
  examples: [{ name: '陈秀英', idNumber: '350521199001011234', phone: '13800000000', type: 1 }],
} as const;

export const clerkSignInSchema = {
  $id: 'ClerkSignIn',
  type: 'object',
  description: 'The clerk who starts serving at this window (PUT /v1/clerk).',
  additionalProperties: false,
  required: ['id', 'name', 'department'],
  properties: {
    id: text(1, 32, "The clerk's staff number (工号).", '0107'),
    name: text(1, 50, "The clerk's name, shown on the citizen's screen.", '林晓'),
    department: { $ref: 'Department#' },
    // The photo's bytes are checked in the handler; here only its size as text.
    photo: {
      type: 'string',
      maxLength: 60_000,
      description:
        "The clerk's photo for the citizen's screen: a data URL, data:image/jpeg|png|webp;base64,…, at most 40 KiB decoded.",
      examples: ['data:image/png;base64,iVBORw0KGgo…'],
    },
    stars: {
      type: 'number',
      minimum: 0,
      maximum: 5,
      description: "The clerk's star rating shown under the photo (0-5), if the hall shows one.",
      examples: [5],
    },
  },
  examples: [{ id: '0107', name: '林晓', department: { code: 'D-TAX', name: '县税务局' }, stars: 5 }],
} as const;

export const clerkStatusChangeSchema = {
  $id: 'ClerkStatusChange',
  type: 'object',
  description: '恢复服务 (serving) or 暂停服务 (paused).',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: {
      type: 'string',
      enum: ['serving', 'paused'],
      description: '`paused` while a prompt is open takes effect when that prompt is final.',
      examples: ['paused'],
    },
  },
  examples: [{ status: 'paused' }],
} as const;

/** Departments per prompt: enough for any 并联审批, few enough to show on one screen. */
export const MAX_DEPARTMENTS = 20;

export const promptRequestSchema = {
  $id: 'PromptRequest',
  type: 'object',
  description: "A rating prompt for the citizen's screen, for the transaction just done (POST /v1/prompts).",
  additionalProperties: false,
  required: ['transactionId', 'service', 'departments', 'mode'],
  properties: {
    transactionId: text(
      1,
      50,
      'The transaction number (办件编号). A transaction is rated once per terminal.',
      'TX-20261129-0001',
    ),
    service: { $ref: 'Service#' },
    departments: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_DEPARTMENTS,
      items: { $ref: 'Department#' },
      description:
        'The departments rated: exactly one for `single`; two or more for `parallel`; one or more for ' +
        '`package` (the first is the lead department).',
    },
    mode: {
      type: 'string',
      enum: ['single', 'parallel', 'package'],
      description:
        '`single`: one department. `parallel` (并联审批): the citizen gives one overall rating for all of them, ' +
        'or one per department. `package` (一件事): one rating for the whole package.',
      examples: ['single'],
    },
    citizen: { $ref: 'Citizen#' },
    // The service's facts the real platforms ask for; each has a default (see src/core/service-facts.ts).
    serviceNumber: {
      type: 'integer',
      minimum: 1,
      maximum: 2_147_483_647,
      description: 'How many times the service was delivered in this transaction (办件数量); default 1.',
      examples: [1],
    },
    proStatus: {
      type: 'string',
      enum: ['1', '2', '3'],
      description:
        'The transaction’s state on the platform (办件状态): 1 accepted, 2 in progress, 3 done (default).',
      examples: ['3'],
    },
    acceptDate: cstDateTime(
      'When the transaction was accepted (受理时间); default: when the prompt opens.',
      '2026-11-29 09:12:00',
    ),
    serviceTime: cstDateTime(
      'When the service was delivered (办结时间); default: when the prompt opens. At most a few minutes ahead of the terminal’s clock.',
      '2026-11-29 09:40:00',
    ),
    taskHandleItem: text(
      0,
      64,
      'The platform’s 办理项 code, when the service has several.',
      '11350521MB0000000X4000111001',
    ),
  },
  examples: [
    {
      transactionId: 'TX-20261129-0001',
      service: { code: '350521-S-0001', name: '个体工商户登记' },
      departments: [{ code: '11350521MB0000000X', name: '县市场监管局' }],
      mode: 'single',
    },
  ],
} as const;

export const replaceQuery = {
  type: 'object',
  properties: {
    replace: {
      type: 'string',
      enum: ['true', 'false'],
      description:
        '`true`: cancel the prompt on screen and open this one, unless its citizen is choosing reasons (then 409 `prompt_open`).',
      examples: ['true'],
    },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: {
      type: 'string',
      description: "The prompt's id, as POST /v1/prompts gave it (opaque: an unknown id is 404).",
      examples: ['5f0c2a8e-7a51-4d1c-9d59-2f6b8f1e3c11'],
    },
  },
} as const;

/** Every request schema the routes name by `$ref`. */
export const REQUEST_SCHEMAS = [
  departmentSchema,
  serviceSchema,
  citizenSchema,
  clerkSignInSchema,
  clerkStatusChangeSchema,
  promptRequestSchema,
] as const;
