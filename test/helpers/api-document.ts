// The OpenAPI document as a test reads it: its shape, and a validator for the answers it
// documents (each named schema under components, resolved as a generator resolves it).
// Answers are open in the document (a field may be added beside them); the validator
// closes every object, so an answer field the document does not list is caught.
import { Ajv2020 } from 'ajv/dist/2020.js';

export type Media = { schema: any; examples?: Record<string, { summary?: string; value: unknown }> };
export type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; description?: string; example?: unknown; schema: any }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<
    string,
    { description: string; headers?: Record<string, any>; content?: Record<string, Media> }
  >;
};
export type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, any> };
};

const BASE = 'https://haochaping.invalid/components/schemas/';

/** A copy of a schema whose refs point at the validator's copies and whose objects are closed. */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', BASE);
    else if (k === 'examples' || k === 'discriminator') out[k] = v;
    else out[k] = closed(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export function documentValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema({ ...closed(schema), $id: BASE + name });
  }
  return {
    compile: (schema: object) => ajv.compile(closed(schema)),
    /** The schema the document gives for this answer. */
    answerSchema(path: string, method: string, status: number, type = 'application/json'): object {
      const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.[type]?.schema;
      if (!schema) throw new Error(`the document has no ${type} schema for ${method} ${path} ${status}`);
      return schema;
    },
  };
}

/** Every operation of the document, with where it is. */
export function operationsOf(doc: Doc): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
}
