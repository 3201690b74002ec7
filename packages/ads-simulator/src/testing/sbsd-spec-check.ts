/**
 * Checks Sponsored Brands and Sponsored Display exchanges against Amazon's published documents (sponsored-brands-v4,
 * sponsored-brands-v3 and sponsored-display-v3 in published-specs/), and the planning services' (persona-builder and
 * audiences-discovery): a request's Accept and Content-Type must be
 * media types the operation declares and its JSON body must match the declared request schema; an answer must match
 * the schema of its status and media type. Used by the simulator's conformance test (its answers) and by the BFF's
 * SB / SD integration test (every request RecDesk sent, from the simulator's request log).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RequestLogEntry } from '../state.ts';
import { loadPublishedSpec } from './published-specs.ts';

interface Spec {
  id: string;
  root: unknown;
  paths: Record<string, Record<string, Operation>>;
}
interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> } | { $ref: string }>;
}

const SPEC_FILES = {
  sb4: 'sponsored-brands-v4.json',
  sb3: 'sponsored-brands-v3.json',
  sd3: 'sponsored-display-v3.json',
  pb: 'persona-builder.json',
  disc: 'audiences-discovery.json',
} as const;

let cached: { ajv: Ajv; specs: Spec[] } | null = null;

function load(): { ajv: Ajv; specs: Spec[] } {
  if (cached) return cached;
  // OpenAPI 3.0 keywords (`example`, `x-…`, int64 formats) are not JSON Schema: not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int64', true).addFormat('int32', true).addFormat('double', true).addFormat('float', true);
  const specs = Object.entries(SPEC_FILES).map(([id, file]) => {
    const document = loadPublishedSpec(file) as Spec;
    ajv.addSchema(document as object, id);
    return { id, root: document as unknown, paths: document.paths };
  });
  cached = { ajv, specs };
  return cached;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/** The published operation a request path (with or without the simulator's region prefix) and method belong to. */
export function operationOf(
  method: string,
  requestPath: string,
): { spec: Spec; root: unknown; template: string; operation: Operation } | null {
  const path = requestPath.replace(/^\/(na|eu|fe)(?=\/)/i, '');
  const verb = method.toLowerCase();
  for (const spec of load().specs) {
    for (const [template, operations] of Object.entries(spec.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = operations[verb];
      if (operation && pattern.test(path)) return { spec, root: spec.root, template, operation };
    }
  }
  return null;
}

function validatorAt(specId: string, ...parts: string[]): ValidateFunction | null {
  const { ajv } = load();
  const ref = `${specId}#/${pointer(...parts)}`;
  try {
    return ajv.getSchema(ref) ?? null;
  } catch {
    return null;
  }
}

function errorsOf(validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`);
}

const lower = (value: string | null | undefined) => (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** What is wrong with one request RecDesk sent (empty when it conforms). */
export function requestProblems(entry: Pick<RequestLogEntry, 'method' | 'path' | 'headers' | 'body'>): string[] {
  const found = operationOf(entry.method, entry.path);
  if (!found) return [`${entry.method} ${entry.path} is not a published SB / SD operation`];
  const { spec, template, operation } = found;
  const problems: string[] = [];
  const responseTypes = new Set(
    Object.values(operation.responses).flatMap((r) => Object.keys(('content' in r ? r.content : undefined) ?? {}).map(lower)),
  );
  const accept = lower(entry.headers.accept);
  if (responseTypes.size > 0 && !responseTypes.has(accept))
    problems.push(`Accept ${accept} is not one of ${[...responseTypes].join(', ')}`);
  if (operation.requestBody) {
    const contentType = lower(entry.headers['content-type']);
    const declared = Object.keys(operation.requestBody.content ?? {});
    const match = declared.find((type) => lower(type) === contentType);
    if (!match) problems.push(`Content-Type ${contentType} is not one of ${declared.join(', ')}`);
    else {
      const validate = validatorAt(spec.id, 'paths', template, entry.method.toLowerCase(), 'requestBody', 'content', match, 'schema');
      if (validate) problems.push(...errorsOf(validate, entry.body));
    }
  }
  return problems.map((p) => `${entry.method} ${template}: ${p}`);
}

/** What is wrong with one answer (empty when it conforms to the schema of its status and media type). */
export function responseProblems(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
  const found = operationOf(method, path);
  if (!found) return [`${method} ${path} is not a published SB / SD operation`];
  const { spec, template, operation } = found;
  let response = operation.responses[String(status)];
  if (!response) return [`${method} ${template}: status ${status} is not declared`];
  let at = ['paths', template, method.toLowerCase(), 'responses', String(status)];
  if ('$ref' in response) {
    // A shared response (`#/components/responses/…`): validate at its own place in the document.
    at = response.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    response = at.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], found.root) as Operation['responses'][string];
  }
  const content = 'content' in response ? (response.content ?? {}) : {};
  const match = Object.keys(content).find((type) => lower(type) === lower(contentType));
  if (!match) return [`${method} ${template}: ${status} answered ${contentType}, declared ${Object.keys(content).join(', ')}`];
  const validate = validatorAt(spec.id, ...at, 'content', match, 'schema');
  if (!validate) return [`${method} ${template}: no schema for ${status} ${match}`];
  return errorsOf(validate, body).map((p) => `${method} ${template} ${status}: ${p}`);
}

/** Every logged Persona Builder and audiences discovery request's problems (their bodies are kept on the log). */
export function planningRequestProblems(log: readonly RequestLogEntry[]): string[] {
  return log
    .filter((entry) =>
      /\/insights\/(topCategoriesPurchased|topOverlappingAudiences|demographics|bandedSize)$|\/audiences\/(taxonomy\/)?list$/.test(
        entry.path,
      ),
    )
    .flatMap((entry) => requestProblems(entry));
}

/** Every logged SB / SD request's problems. */
export function sbsdRequestProblems(log: readonly RequestLogEntry[]): string[] {
  return log.filter((entry) => /\/s[bd]\//.test(entry.path)).flatMap((entry) => requestProblems(entry));
}
