import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalGateway } from '../../infra/local/gateway.ts';
import { OPENAPI_DOCUMENT_PATH } from '../../shared/openapi/document.ts';
import { bearer, bodyOf, newPartner, seedOffice } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import { contractViolations, type Exchange, webhookEventViolations } from '../support/openapi-contract.ts';

// A gateway of its own, so this file sees every exchange it made (startLocalApi checks them too,
// but only reports at close).
const exchanges: Exchange[] = [];
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createLocalGateway({ onExchange: (exchange) => exchanges.push(exchange) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

function call(path: string, key: string | undefined, init: { method?: string; body?: unknown } = {}) {
  return fetch(baseUrl + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(key ? bearer(key) : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

/** The exchanges recorded since `from`, with what the document says is wrong with each. */
function checked(from: number) {
  const recent = exchanges.slice(from);
  return {
    routes: recent.map((exchange) => `${exchange.routeKey} ${exchange.result.statusCode}`),
    violations: recent.flatMap(contractViolations),
  };
}

describe('GET /v1/openapi.json', () => {
  it('serves the committed document without an API key, cacheable for 5 minutes', async () => {
    const response = await fetch(`${baseUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.json()).toEqual(JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')));
  });

  it('answers HEAD with the same headers and no body', async () => {
    const response = await fetch(`${baseUrl}/v1/openapi.json`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.text()).toBe('');
  });
});

describe('the partner API against its OpenAPI document', () => {
  it('a representative session: every request accepted and every answer is one the document describes', async () => {
    const from = exchanges.length;
    const { partner, key } = await newPartner();
    const office = await seedOffice(partner.partnerId);
    const body = {
      officeId: office.officeId,
      usageLocation: 'US',
      locale: 'en',
      reference: `ref-${partner.partnerId.slice(-8)}`,
      items: [
        {
          sku: 'M365_BUSINESS_STANDARD',
          licenses: 12,
          term: 'P1Y',
          billingFrequency: 'monthly',
          termChoices: [{ term: 'P1M' }],
        },
      ],
      customization: { intro: 'Hello', contact: { name: 'Pat', email: 'pat@fabrikam.example', phone: null } },
      expiresAt: null,
    };

    await call('/v1/usage-locations', key);
    await call('/v1/catalog?usageLocation=US', key);
    await call('/v1/catalog?usageLocation=BR', key);
    await call('/v1/offices?active=true', key);
    const created = await bodyOf(await call('/v1/offers', key, { method: 'POST', body }));
    const { summaryId } = created;
    await call(`/v1/offers/${summaryId}`, key);
    await call('/v1/offers?limit=5&status=active', key);
    await call(`/v1/offers/${summaryId}/message?locale=pt-BR`, key);
    await call(`/v1/offers/${summaryId}/qr.svg`, key);
    await call(`/v1/offers/${summaryId}/acceptances?limit=10`, key);
    const revised = await bodyOf(
      await call(`/v1/offers/${summaryId}/revise`, key, {
        method: 'POST',
        body: { items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 15 }] },
      }),
    );
    await call(`/v1/offers/${revised.summaryId}/deactivate`, key, {
      method: 'POST',
      body: { message: 'Prices change.' },
    });

    const { routes, violations } = checked(from);
    expect(violations).toEqual([]);
    expect(routes).toEqual([
      'GET /v1/usage-locations 200',
      'GET /v1/catalog 200',
      'GET /v1/catalog 200',
      'GET /v1/offices 200',
      'POST /v1/offers 201',
      'GET /v1/offers/{summaryId} 200',
      'GET /v1/offers 200',
      'GET /v1/offers/{summaryId}/message 200',
      'GET /v1/offers/{summaryId}/qr.svg 200',
      'GET /v1/offers/{summaryId}/acceptances 200',
      'POST /v1/offers/{summaryId}/revise 201',
      'POST /v1/offers/{summaryId}/deactivate 200',
    ]);
  });

  it('an acceptance as the acceptances list shows it matches the document', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    const customer = customerAt(baseUrl);
    const accepted = await customer.post(offer, 'accept', acceptFields(await customer.openForm(offer)));
    expect(accepted.status).toBe(303);
    const from = exchanges.length;

    const listed = await bodyOf(await call(`/v1/offers/${offer.summaryId}/acceptances`, key));

    expect(listed.acceptances).toHaveLength(1);
    expect(checked(from)).toEqual({ routes: ['GET /v1/offers/{summaryId}/acceptances 200'], violations: [] });
  });

  it('an offer.accepted webhook body carries that snapshot as its data; one without the summary ID is reported', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    const customer = customerAt(baseUrl);
    await customer.post(offer, 'accept', acceptFields(await customer.openForm(offer)));
    const [acceptance] = (await bodyOf(await call(`/v1/offers/${offer.summaryId}/acceptances`, key))).acceptances;
    const envelope = { id: 'evt_0123456789abcdef01234567', type: 'offer.accepted', createdAt: acceptance.acceptedAt };

    const event = { ...envelope, data: { summaryId: offer.summaryId, ...acceptance } };
    const withoutOffer = { ...envelope, data: acceptance };

    expect(webhookEventViolations(event)).toEqual([]);
    expect(webhookEventViolations(withoutOffer).join('\n')).toMatch(/summaryId/);
  });

  it('problems (400, 401, 404, 409, 415, 422) are documented for the routes that answer them', async () => {
    const { partner, key } = await newPartner();
    const office = await seedOffice(partner.partnerId);
    const offer = {
      officeId: office.officeId,
      usageLocation: 'US',
      items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 3 }],
    };
    const from = exchanges.length;

    await call('/v1/offers', undefined);
    await call('/v1/offers/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', key);
    await call('/v1/catalog?usageLocation=ZZ', key);
    await call('/v1/offers', key, { method: 'POST', body: { ...offer, colour: 'red' } });
    await call('/v1/offers', key, { method: 'POST', body: { ...offer, items: [{ sku: 'NOT_A_SKU', licenses: 3 }] } });
    await fetch(`${baseUrl}/v1/offers`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'text/plain' },
      body: '{}',
    });
    const first = await bodyOf(
      await call('/v1/offers', key, { method: 'POST', body: { ...offer, reference: 'dup-1' } }),
    );
    await call('/v1/offers', key, { method: 'POST', body: { ...offer, reference: 'dup-1' } });
    await call(`/v1/offers/${first.summaryId}/revise`, key, { method: 'POST', body: {} });
    await call(`/v1/offers/${first.summaryId}/revise`, key, { method: 'POST', body: {} });

    const { routes, violations } = checked(from);
    expect(violations).toEqual([]);
    expect(routes).toEqual([
      'GET /v1/offers 401',
      'GET /v1/offers/{summaryId} 404',
      'GET /v1/catalog 400',
      'POST /v1/offers 400',
      'POST /v1/offers 422',
      'POST /v1/offers 415',
      'POST /v1/offers 201',
      'POST /v1/offers 409',
      'POST /v1/offers/{summaryId}/revise 201',
      'POST /v1/offers/{summaryId}/revise 409',
    ]);
  });

  it('reports answers and accepted requests the document does not describe', async () => {
    const { key } = await newPartner();
    const from = exchanges.length;
    await call('/v1/offices', key);
    const [real] = exchanges.slice(from);
    if (!real) throw new Error('no exchange recorded');
    const answer = JSON.parse(real.result.body ?? '{}');

    const extraField = { ...real, result: { ...real.result, body: JSON.stringify({ ...answer, secret: 'x' }) } };
    const undocumentedStatus = { ...real, result: { ...real.result, statusCode: 418 } };
    const badQuery = { ...real, event: { ...real.event, queryStringParameters: { active: 'maybe' } } };

    expect(contractViolations(real)).toEqual([]);
    expect(contractViolations(extraField).join('\n')).toMatch(/response body: .*additional properties/);
    expect(contractViolations(undocumentedStatus)).toEqual(['GET /v1/offices → 418: status 418 is not documented']);
    expect(contractViolations(badQuery).join('\n')).toMatch(/query parameter active/);
  });
});
