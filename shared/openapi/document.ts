import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook.ts';
import { checksUndeclaredBody, NO_BODY_FIELDS } from '../http/middleware.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX } from '../http/problem.ts';
import { ROUTES, type Route, routeKey, routePattern } from '../routes.ts';
import { NULL_AS_ABSENT_OBJECTS } from '../schemas/common.ts';
import { problemSchema, WEBHOOK_EVENT_DATA, webhookEnvelopeSchema } from '../schemas/responses.ts';
import { type HeaderDoc, OPERATIONS, type Operation } from './operations.ts';
import { PROBLEM_TYPES, type ProblemSlug } from './problems.ts';

/**
 * The OpenAPI 3.1 document of the partner API, built from the route table (shared/routes.ts:
 * every `/v1` route, its method and whether it needs the API key), the zod schemas the handlers
 * validate requests with, the response schemas (shared/schemas/responses.ts), the problem types
 * (problems.ts) and the webhook events. Deterministic: the same code gives the same document, so
 * a committed copy can be compared (`npm run openapi` writes it).
 */

type Json = Record<string, unknown>;
type JsonSchema = Json;

/** The committed copy, relative to the repository root. */
export const OPENAPI_DOCUMENT_PATH = 'shared/openapi/openapi.json';

const API_PREFIX = '/v1/';
const SCHEMA_REF = '#/components/schemas/';

/**
 * A request schema describes what a caller may send (zod's input side), a response schema what we
 * answer (its output side). Refinements zod cannot express (a usage location we sell in, a text
 * rule) stay out: the document is never stricter than the handler. An optional field of an object
 * built by nullAsAbsent also takes null, as the handler does.
 */
export function jsonSchemaOf(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (!NULL_AS_ABSENT_OBJECTS.has(zodSchema)) return;
      const required = new Set(jsonSchema.required ?? []);
      for (const [name, property] of Object.entries(jsonSchema.properties ?? {})) {
        if (!required.has(name) && typeof property === 'object') {
          jsonSchema.properties ??= {};
          jsonSchema.properties[name] = { anyOf: [property, { type: 'null' }] };
        }
      }
    },
  }) as JsonSchema;
  return json;
}

const ref = (name: string) => ({ $ref: `${SCHEMA_REF}${name}` });
const problemName = (slug: string) => `Problem-${slug}`;

/** A write whose route declares no body takes none or `{}`, and refuses any other (validateRequest). */
function undeclaredBody(route: Route, operation: Operation | undefined): z.ZodMiniType | undefined {
  return operation?.request.body === undefined && checksUndeclaredBody(route.method) ? NO_BODY_FIELDS : undefined;
}

/** The problem types every partner route may answer, then those of its request parts. */
function problemsOf(route: Route, operation: Operation | undefined): ProblemSlug[] {
  const own: ProblemSlug[] = [];
  const request = operation?.request ?? {};
  const implied = undeclaredBody(route, operation);
  if (request.path || request.query || request.headers || request.body || implied) own.push('invalid-request');
  if (request.body) own.push('missing-body', 'malformed-json', 'body-too-large', 'unsupported-media-type');
  if (implied) own.push('malformed-json', 'body-too-large', 'unsupported-media-type');
  if (route.auth === 'partner') own.push('unauthorized', 'service-unavailable');
  own.push(...(operation?.problems ?? []), 'internal-error');
  return [...new Set(own)];
}

const HEADERS_BY_STATUS: Readonly<Record<number, Readonly<Record<string, HeaderDoc>>>> = {
  401: { 'www-authenticate': { description: '`Bearer realm="purchase-offers"`.', schema: { type: 'string' } } },
  429: { 'retry-after': { description: 'Seconds to wait.', schema: { type: 'string', pattern: '^\\d+$' } } },
  503: { 'retry-after': { description: 'Seconds to wait.', schema: { type: 'string', pattern: '^\\d+$' } } },
};

function headersDoc(headers: Readonly<Record<string, HeaderDoc>> | undefined): Json | undefined {
  if (!headers) return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, doc]) => [
      name,
      { description: doc.description, schema: doc.schema ?? { type: 'string' } },
    ]),
  );
}

function problemResponses(slugs: readonly ProblemSlug[]): Json {
  const byStatus = new Map<number, ProblemSlug[]>();
  for (const slug of slugs) {
    const { status } = PROBLEM_TYPES[slug];
    byStatus.set(status, [...(byStatus.get(status) ?? []), slug]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, group]) => {
        const schema =
          group.length === 1
            ? ref(problemName(group[0] as string))
            : { oneOf: group.map((slug) => ref(problemName(slug))) };
        const headers = headersDoc(HEADERS_BY_STATUS[status]);
        return [
          String(status),
          {
            description: group.map((slug) => `\`${slug}\`: ${PROBLEM_TYPES[slug].when}`).join(' '),
            ...(headers ? { headers } : {}),
            content: { [PROBLEM_CONTENT_TYPE]: { schema } },
          },
        ];
      }),
  );
}

/** Parameters of one location, one per property of its (object) schema. */
function parametersOf(location: 'path' | 'query' | 'header', schema: z.ZodMiniType | undefined): Json[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property as JsonSchema & { description?: string };
    return {
      name,
      in: location,
      ...(description ? { description } : {}),
      required: location === 'path' || required.has(name),
      schema: propertySchema,
    };
  });
}

function operationOf(route: Route, components: Record<string, JsonSchema>): Json {
  const key = routeKey(route);
  const getKey = route.method === 'HEAD' ? routeKey({ method: 'GET', path: route.path }) : key;
  const operation = OPERATIONS[getKey];
  const request = operation?.request ?? {};
  const implied = undeclaredBody(route, operation);
  const parameters = [
    ...parametersOf('path', request.path),
    ...parametersOf('query', request.query),
    ...parametersOf('header', request.headers),
  ];
  // A path parameter the route has but no schema names is still a parameter.
  for (const name of routePattern(route.path).params) {
    if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === name)) {
      parameters.unshift({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }

  const success = operation?.success;
  let content: Json | undefined;
  if (success?.schema) {
    const name = success.name ?? `${operation?.operationId ?? 'Unnamed'}Response`;
    components[name] ??= jsonSchemaOf(success.schema, 'output');
    content = { 'application/json': { schema: ref(name) } };
  } else if (success?.anyJson) {
    content = { 'application/json': { schema: { type: 'object' } } };
  } else if (success?.contentType) {
    content = { [success.contentType]: { schema: { type: 'string' } } };
  }
  const head = route.method === 'HEAD';
  const headers = headersDoc(success?.headers);
  const responses: Json = {
    [String(success?.status ?? 200)]: {
      description: head ? 'As GET, without a body.' : (success?.description ?? 'Undocumented.'),
      ...(headers ? { headers } : {}),
      ...(content && !head ? { content } : {}),
    },
    ...problemResponses(problemsOf(route, operation)),
  };
  if (head) {
    for (const [status, response] of Object.entries(responses)) {
      const { content: _body, ...rest } = response as Json;
      responses[status] = rest;
    }
  }

  return {
    operationId: `${operation?.operationId ?? key.replace(/\W+/g, '_')}${head ? 'Head' : ''}`,
    summary: head ? `${operation?.summary ?? key} (HEAD: headers only)` : (operation?.summary ?? key),
    ...(operation?.description ? { description: operation.description } : {}),
    tags: [operation?.tag ?? 'Other'],
    ...(route.auth === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(request.body && !head
      ? {
          requestBody: {
            required: operation?.bodyOptional !== true,
            content: { 'application/json': { schema: jsonSchemaOf(request.body, 'input') } },
          },
        }
      : {}),
    ...(implied
      ? {
          requestBody: {
            description: 'None, or an empty object: the operation takes no fields.',
            required: false,
            content: { 'application/json': { schema: jsonSchemaOf(implied, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function problemComponents(): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = { Problem: jsonSchemaOf(problemSchema, 'output') };
  for (const [slug, problem] of Object.entries(PROBLEM_TYPES)) {
    const rules = 'rules' in problem ? problem.rules : undefined;
    const extensions = 'extensions' in problem ? problem.extensions : undefined;
    components[problemName(slug)] = {
      title: problem.title,
      description: [
        problem.when,
        rules ? `\`errors[].rule\`: ${rules.map((rule) => `\`${rule}\``).join(', ')}.` : '',
        ...Object.entries(extensions ?? {}).map(([member, meaning]) => `\`${member}\`: ${meaning}`),
      ]
        .filter(Boolean)
        .join(' '),
      allOf: [ref('Problem')],
      properties: {
        type: { const: `${PROBLEM_TYPE_PREFIX}${slug}` },
        status: { const: problem.status },
        ...(rules ? { errors: { items: { properties: { rule: { examples: [...rules] } } } } } : {}),
      },
    };
  }
  return components;
}

/** The `webhooks` section: one POST per event type, the Standard Webhooks headers, the envelope. */
function webhooksOf(components: Record<string, JsonSchema>): Json {
  components.WebhookEvent = jsonSchemaOf(webhookEnvelopeSchema, 'output');
  const signatureHeaders = [
    ['webhook-id', 'The event id (`id` in the body): the same on every retry and redelivery; dedupe on it.'],
    ['webhook-timestamp', 'Unix seconds when this attempt was signed.'],
    ['webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (two during a secret rotation).'],
  ].map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));
  const types = [...WEBHOOK_EVENT_TYPES, 'ping'] as const;
  return Object.fromEntries(
    types.map((type) => {
      const name = `WebhookEvent-${type}`;
      const data = WEBHOOK_EVENT_DATA[type];
      components[name] = {
        ...(data.description ? { description: data.description } : {}),
        allOf: [ref('WebhookEvent')],
        properties: { type: { const: type }, data: jsonSchemaOf(data.schema, 'output') },
      };
      return [
        type,
        {
          post: {
            operationId: `webhook_${type.replace('.', '_')}`,
            summary: data.description,
            tags: ['Webhooks'],
            security: [],
            parameters: signatureHeaders,
            requestBody: { required: true, content: { 'application/json': { schema: ref(name) } } },
            responses: {
              '2XX': { description: 'Received. Answer within 10 s; any other answer (or none) is retried.' },
            },
          },
        },
      ];
    }),
  );
}

const DESCRIPTION = [
  'Partners create personalised purchase offers and follow what customers do with them.',
  'Every `/v1` route but this document needs `Authorization: Bearer <api key>`.',
  'Errors are RFC 9457 `application/problem+json` documents whose `type` is',
  '`urn:purchase-offers:problem:<slug>` and whose `errors[]` name each `field`',
  '(`body.items[2].licenses`, `query.usageLocation`, `header.authorization`) and the `rule` it broke',
  '(at most 20; `errorsOmitted` counts the rest). A path no route has answers `404 not-found`, a',
  'method the path does not take `405 method-not-allowed` with `Allow`. Every GET also answers HEAD.',
  'Webhook deliveries are signed per the Standard Webhooks specification and delivered at least once.',
].join(' ');

/** The whole document. Only `/v1` routes: the customer pages under `/o/` are HTML for people. */
export function buildOpenApiDocument(routes: readonly Route[] = ROUTES): Json {
  const components: Record<string, JsonSchema> = problemComponents();
  const paths: Record<string, Json> = {};
  const apiRoutes = routes
    .filter((route) => route.path.startsWith(API_PREFIX))
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of apiRoutes) {
    paths[route.path] ??= {};
    (paths[route.path] as Json)[route.method.toLowerCase()] = operationOf(route, components);
  }
  const webhooks = webhooksOf(components);
  return {
    openapi: '3.1.0',
    info: { title: 'Purchase offers partner API', version: '1', description: DESCRIPTION },
    tags: ['Catalog', 'Offices', 'Offers', 'Meta', 'Webhooks', 'Other'].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    paths,
    webhooks,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key issued to the partner (`pok_…`), sent as `Authorization: Bearer <key>`.',
        },
      },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/** The document as the committed copy and `GET /v1/openapi.json` hold it: 2-space JSON and a newline. */
export function serializeOpenApiDocument(document: Json = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
