import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import openApiDocument from '../../shared/openapi/openapi.json' with { type: 'json' };

/**
 * Checks exchanges of the local gateway against the committed OpenAPI document, with ajv (JSON
 * Schema 2020-12, the dialect of OpenAPI 3.1) and ajv-formats: every answer's status is documented
 * for its operation and its body matches the documented schema of that status and media type; a
 * request the route accepted (2xx) matches the documented parameters and body. Routes outside
 * `/v1` (customer pages) and requests no route matched are not part of the document.
 */

export interface Exchange {
  readonly routeKey: string;
  readonly event: ApiEvent;
  readonly result: ApiResult;
}

type Json = Record<string, unknown>;
const document = openApiDocument as unknown as Json & { paths: Record<string, Record<string, Json>> };

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under ESM its plugin is the module's `default` member.
addFormats.default(ajv);
ajv.addSchema(document, 'openapi');

const pointer = (...segments: string[]) =>
  segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function check(ref: string, value: unknown): string | undefined {
  const validate = ajv.getSchema(`openapi#/${ref}`);
  if (!validate) return `no schema at ${ref}`;
  if (validate(value)) return undefined;
  return ajv.errorsText(validate.errors, { dataVar: 'value' });
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
}

function requestBodyOf(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return JSON.parse(text);
}

/** What is wrong with one exchange, or an empty list. */
export function contractViolations({ routeKey, event, result }: Exchange): string[] {
  const [method = '', path = ''] = routeKey.split(' ');
  if (!path.startsWith('/v1/')) return [];
  const where = `${routeKey} → ${result.statusCode}`;
  const operation = document.paths[path]?.[method.toLowerCase()] as
    | { parameters?: Json[]; requestBody?: Json; responses: Record<string, Json> }
    | undefined;
  if (!operation) return [`${routeKey} is not in the OpenAPI document`];
  const status = String(result.statusCode ?? 200);
  const response = operation.responses[status];
  if (!response) return [`${where}: status ${status} is not documented`];
  const violations: string[] = [];

  const contentType = header(result.headers, 'content-type')?.split(';')[0]?.trim();
  const content = response.content as Record<string, Json> | undefined;
  if (method !== 'HEAD' && content && contentType) {
    if (!content[contentType]) violations.push(`${where}: content-type ${contentType} is not documented`);
    else if (/json$/.test(contentType)) {
      const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : result.body;
      const error = check(
        pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', contentType, 'schema'),
        JSON.parse(body ?? 'null'),
      );
      if (error) violations.push(`${where}: response body: ${error}`);
    }
  }

  // A request the route accepted must be one the document allows.
  if (Number(status) < 300) {
    const sent: Record<string, Record<string, string | undefined>> = {
      path: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
      header: event.headers ?? {},
    };
    (operation.parameters ?? []).forEach((parameter, index) => {
      const value = sent[parameter.in as string]?.[parameter.name as string];
      if (value === undefined) {
        if (parameter.required)
          violations.push(`${where}: required ${parameter.in} parameter ${parameter.name} missing`);
        return;
      }
      const error = check(pointer('paths', path, method.toLowerCase(), 'parameters', String(index), 'schema'), value);
      if (error) violations.push(`${where}: ${parameter.in} parameter ${parameter.name}: ${error}`);
    });
    const body = method === 'HEAD' ? undefined : requestBodyOf(event);
    if (body !== undefined) {
      if (!operation.requestBody) violations.push(`${where}: a body was accepted but none is documented`);
      else {
        const error = check(
          pointer('paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema'),
          body,
        );
        if (error) violations.push(`${where}: request body: ${error}`);
      }
    }
  }
  return violations;
}

/**
 * What is wrong with a webhook body (as POSTed to an endpoint) against the document's
 * `WebhookEvent-<type>` schema, or an empty list: for tests of deliveries.
 */
export function webhookEventViolations(body: unknown): string[] {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return ['webhook body has no type'];
  const error = check(pointer('components', 'schemas', `WebhookEvent-${type}`), body);
  return error ? [`webhook ${type}: ${error}`] : [];
}
