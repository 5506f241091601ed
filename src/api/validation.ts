// Turns the validator's findings into the contract's `details`: one entry per field,
// with the field named as a caller writes it (departments[0].name).
import type { ErrorDetail } from './errors.js';
import { CST_PATTERN } from './schemas.js';

/** What is wrong with a time that is not `yyyy-MM-dd HH:mm:ss` or names no real instant. */
export const CST_PROBLEM = 'must be a real date and time, yyyy-MM-dd HH:mm:ss (UTC+8)';

interface ValidatorError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function fieldOf(e: ValidatorError): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || 'body';
}

function problemOf(e: ValidatorError): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'type':
      return `must be ${e.params.type === 'integer' ? 'a whole number' : `a ${e.params.type}`}`;
    case 'minLength':
      return `must be at least ${e.params.limit} characters`;
    case 'maxLength':
      return `must be at most ${e.params.limit} characters`;
    case 'minItems':
      return `must have at least ${e.params.limit} entries`;
    case 'maxItems':
      return `must have at most ${e.params.limit} entries`;
    case 'enum':
      return `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return e.params.pattern === CST_PATTERN ? CST_PROBLEM : 'contains characters that are not allowed';
    case 'format':
      return `must be a ${e.params.format}`;
    case 'minimum':
    case 'maximum':
      return `must be ${e.params.comparison} ${e.params.limit}`;
    default:
      return e.message ?? 'is not valid';
  }
}

export function detailsOf(errors: readonly ValidatorError[]): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const e of errors) {
    const d = { field: fieldOf(e), problem: problemOf(e) };
    const key = `${d.field}\0${d.problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      details.push(d);
    }
  }
  return details;
}
