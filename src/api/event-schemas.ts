// The event stream's answers as named JSON Schemas for the OpenAPI document: the state
// each event carries and the events themselves (`event:` and `data:` lines), joined in
// `StreamEvent` with a discriminator on `event`, as generators need it.
import { keypadFault, keypadState, pending, platformState, promptSchema } from './answer-schemas.js';

export const keypadStatusSchema = {
  $id: 'KeypadStatus',
  type: 'object',
  description: "The keypad's state (the data of a `keypad` event).",
  required: ['state', 'fault'],
  properties: { state: keypadState, fault: keypadFault },
  examples: [{ state: 'offline', fault: null }],
} as const;

export const platformStatusSchema = {
  $id: 'PlatformStatus',
  type: 'object',
  description: "The platform's state (the data of a `platform` event).",
  required: ['state', 'pending'],
  properties: { state: platformState, pending },
  examples: [{ state: 'online', pending: 0 }],
} as const;

/** One event of the stream: its `event:` line and its `data:` line (parsed JSON). */
function streamEvent(id: string, type: string, data: string, description: string, example: unknown) {
  return {
    $id: id,
    type: 'object',
    description,
    required: ['event', 'data'],
    properties: {
      event: { type: 'string', const: type, description: `The \`event: ${type}\` line.`, examples: [type] },
      data: { $ref: `${data}#` },
    },
    examples: [{ event: type, data: example }],
  } as const;
}

export const promptEventSchema = streamEvent(
  'PromptEvent',
  'prompt',
  'Prompt',
  'A prompt opened or changed: when it opens, at its first rating, when its QR code changes, and once when it is final ' +
    '(`final: true`, its last event). `status` and `final` are as of that change.',
  { ...promptSchema.examples[0], status: 'open', final: false },
);
export const keypadEventSchema = streamEvent(
  'KeypadEvent',
  'keypad',
  'KeypadStatus',
  'The keypad went online or offline, or a fault began or ended.',
  keypadStatusSchema.examples[0],
);
export const platformEventSchema = streamEvent(
  'PlatformEvent',
  'platform',
  'PlatformStatus',
  'The platform’s state or the number of ratings waiting for it changed.',
  platformStatusSchema.examples[0],
);

export const streamEventSchema = {
  $id: 'StreamEvent',
  description:
    'One event of GET /v1/events. On the wire each is two lines and a blank line: `event: TYPE` then ' +
    '`data: JSON` (the JSON on one line); `event` here is TYPE and `data` the parsed JSON.',
  oneOf: [{ $ref: 'PromptEvent#' }, { $ref: 'KeypadEvent#' }, { $ref: 'PlatformEvent#' }],
  discriminator: {
    propertyName: 'event',
    mapping: {
      prompt: '#/components/schemas/PromptEvent',
      keypad: '#/components/schemas/KeypadEvent',
      platform: '#/components/schemas/PlatformEvent',
    },
  },
} as const;

/** Every event schema the routes name by `$ref`. */
export const EVENT_SCHEMAS = [
  keypadStatusSchema,
  platformStatusSchema,
  promptEventSchema,
  keypadEventSchema,
  platformEventSchema,
  streamEventSchema,
] as const;
