// Request bodies, as JSON Schema for the framework's validator. Lengths count Unicode
// code points (the validator's default), as the contract says.

import { parseCstDateTime } from '../core/cst.js';

/**
 * Formats of our own, handed to the validator. `cst-date-time`: `yyyy-MM-dd HH:mm:ss`
 * (UTC+8, as the platforms write times) naming a real instant: 2026-02-30 is refused.
 */
export const API_FORMATS = {
  'cst-date-time': { type: 'string', validate: (text: string) => parseCstDateTime(text) !== null },
} as const;

const cstDateTime = { type: 'string', format: 'cst-date-time' } as const;

const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';

const text = (min: number, max: number) => ({
  type: 'string',
  minLength: min,
  maxLength: max,
  pattern: NO_CONTROL,
});

const department = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: { code: text(1, 64), name: text(1, 100) },
} as const;

export const clerkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'department'],
  properties: {
    id: text(1, 32),
    name: text(1, 50),
    department,
    // The photo's bytes are checked in the handler; here only its size as text.
    photo: { type: 'string', maxLength: 60_000 },
    stars: { type: 'number', minimum: 0, maximum: 5 },
  },
} as const;

export const clerkStatusBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string', enum: ['serving', 'paused'] } },
} as const;

/** Departments per prompt: enough for any 并联审批, few enough to show on one screen. */
export const MAX_DEPARTMENTS = 20;

export const promptBody = {
  type: 'object',
  additionalProperties: false,
  required: ['transactionId', 'service', 'departments', 'mode'],
  properties: {
    transactionId: text(1, 50),
    service: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'name'],
      properties: { code: text(0, 64), name: text(1, 100) },
    },
    departments: { type: 'array', minItems: 1, maxItems: MAX_DEPARTMENTS, items: department },
    mode: { type: 'string', enum: ['single', 'parallel', 'package'] },
    citizen: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: text(1, 50),
        idNumber: { type: 'string', maxLength: 32, pattern: '^[0-9A-Za-z]*$' },
        phone: { type: 'string', maxLength: 20, pattern: '^[0-9+\\- ]*$' },
        type: { type: 'integer', enum: [1, 2] },
      },
    },
    // The service's facts the real platforms ask for; each has a default (see src/core/service-facts.ts).
    serviceNumber: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    proStatus: { type: 'string', enum: ['1', '2', '3'] },
    acceptDate: cstDateTime,
    serviceTime: cstDateTime,
    taskHandleItem: text(0, 64),
  },
} as const;

export const replaceQuery = {
  type: 'object',
  properties: { replace: { type: 'string', enum: ['true', 'false'] } },
} as const;
