import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { WEBHOOK_EVENT_TYPES } from '../../shared/domain/webhook.ts';
import {
  buildOpenApiDocument,
  OPENAPI_DOCUMENT_PATH,
  serializeOpenApiDocument,
} from '../../shared/openapi/document.ts';
import { OPERATIONS } from '../../shared/openapi/operations.ts';
import { PROBLEM_TYPES } from '../../shared/openapi/problems.ts';
import { ROUTES, routeKey } from '../../shared/routes.ts';

// biome-ignore lint/suspicious/noExplicitAny: the document is walked by path in assertions
type Doc = any;

async function validate(document: unknown) {
  return new Validator().validate(document as Record<string, unknown>);
}

/** The create request body's schema as the document gives it, compiled by ajv (Draft 2020-12). */
function createBodyValidator(document: Doc) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  return ajv.compile(document.paths['/v1/offers'].post.requestBody.content['application/json'].schema);
}

describe('OpenAPI document', () => {
  it('is committed up to date: run `npm run openapi` after changing routes or schemas', () => {
    const committed = readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8');
    // A named verdict rather than a diff of two 200 KB strings.
    const verdict = committed === serializeOpenApiDocument() ? 'current' : 'stale: run `npm run openapi` and commit it';
    expect(verdict).toBe('current');
  });

  it('is valid OpenAPI 3.1 (the official schema, through @seriousme/openapi-schema-validator)', async () => {
    const result = await validate(buildOpenApiDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('the validator refuses a broken document (a parameter without its location)', async () => {
    const broken: Doc = buildOpenApiDocument();
    delete broken.paths['/v1/offers'].post.parameters[0].in;
    expect((await validate(broken)).valid).toBe(false);
  });

  it('describes every /v1 route of the route table with its method, and only those', () => {
    const document: Doc = buildOpenApiDocument();
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const apiRoutes = ROUTES.filter((route) => route.path.startsWith('/v1/')).map(routeKey);
    expect(documented.sort()).toEqual([...apiRoutes].sort());
  });

  it('has an operation (schemas, answer, problems) for every /v1 route that is not a HEAD twin', () => {
    const undescribed = ROUTES.filter((route) => route.path.startsWith('/v1/') && route.method !== 'HEAD')
      .map(routeKey)
      .filter((key) => OPERATIONS[key] === undefined);
    expect(undescribed).toEqual([]);
  });

  it('appends a new route of the table without an entry of its own, with its path parameters', () => {
    const route = { method: 'GET', path: '/v1/things/{thingId}', function: 'catalog', auth: 'partner' } as const;
    const document: Doc = buildOpenApiDocument([...ROUTES, route]);
    const operation = document.paths['/v1/things/{thingId}'].get;
    expect(operation.parameters).toEqual([{ name: 'thingId', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(operation.responses['401'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem-unauthorized',
    });
  });

  it('needs the API key on partner routes and not on the document itself', () => {
    const document: Doc = buildOpenApiDocument();
    expect(document.security).toEqual([{ apiKey: [] }]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/v1/openapi.json'].get.security).toEqual([]);
    expect(document.paths['/v1/offers'].post.security).toBeUndefined();
  });

  it('takes the create body from the handler’s zod schema: required fields, unknown fields refused, null as absent', () => {
    const valid = createBodyValidator(buildOpenApiDocument());
    const body = { officeId: 'hq', usageLocation: 'BR', items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 3 }] };
    expect(valid(body)).toBe(true);
    expect(valid({ ...body, reference: null, customization: { intro: null } })).toBe(true);
    expect(valid({ ...body, colour: 'red' })).toBe(false);
    expect(valid({ usageLocation: 'BR', items: [] })).toBe(false);
    expect(
      valid({ ...body, items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 3, term: 'a very long term word' }] }),
    ).toBe(false);
  });

  it('lists the create route’s parameters from its schemas (Idempotency-Key header)', () => {
    const document: Doc = buildOpenApiDocument();
    expect(document.paths['/v1/offers'].post.parameters).toEqual([
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }),
    ]);
    expect(document.paths['/v1/offers'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'limit',
      'cursor',
      'status',
    ]);
  });

  it('documents each problem type with its status, URN and errors[] shape, per operation', () => {
    const document: Doc = buildOpenApiDocument();
    for (const [slug, problem] of Object.entries(PROBLEM_TYPES)) {
      const schema = document.components.schemas[`Problem-${slug}`];
      expect(schema.properties.type).toEqual({ const: `urn:purchase-offers:problem:${slug}` });
      expect(schema.properties.status).toEqual({ const: problem.status });
    }
    const fieldError = document.components.schemas.Problem.properties.errors.items;
    expect(fieldError.required).toEqual(['field', 'rule', 'message']);
    const create = document.paths['/v1/offers'].post.responses;
    expect(create['422'].content['application/problem+json'].schema.oneOf).toContainEqual({
      $ref: '#/components/schemas/Problem-term-not-sold',
    });
    expect(create['401']).toBeDefined();
    expect(create['503'].headers['retry-after']).toBeDefined();
    expect(document.paths['/v1/offers/{summaryId}'].get.responses['404']).toBeDefined();
  });

  it('lists every webhook event type in the webhooks section, with the envelope and the acceptance as offer.accepted data', () => {
    const document: Doc = buildOpenApiDocument();
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, 'ping'].sort());
    expect(document.components.schemas.WebhookEvent.required).toEqual(['id', 'type', 'createdAt', 'data']);
    const accepted = document.components.schemas['WebhookEvent-offer.accepted'].properties.data;
    expect(accepted.required).toEqual(expect.arrayContaining(['summaryId', 'submissionId', 'items', 'acceptedAt']));
    expect(document.webhooks['offer.accepted'].post.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
  });
});
