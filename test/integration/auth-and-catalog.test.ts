import { generateApiKey, hashApiKey } from '../../shared/domain/api-key.ts';
import { admin, bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(api.baseUrl + path, { headers });

describe('partner API keys through the local gateway', () => {
  it('serves the catalog for BR to a partner with a valid key', async () => {
    const { key } = await newPartner();
    const response = await get('/v1/catalog?usageLocation=BR', bearer(key));
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body.usageLocation).toBe('BR');
    // Brazil is outside Europe: every subscription is sold there, listed by name.
    expect(body.subscriptions.map((s: { sku: string }) => s.sku)).toEqual([
      'EXCHANGE_ONLINE_PLAN_1',
      'EXCHANGE_ONLINE_PLAN_2',
      'EXCHANGE_ONLINE_KIOSK',
      'M365_APPS_FOR_BUSINESS',
      'M365_APPS_FOR_ENTERPRISE',
      'M365_BUSINESS_BASIC',
      'M365_BUSINESS_BASIC_NO_TEAMS',
      'M365_BUSINESS_PREMIUM',
      'M365_BUSINESS_PREMIUM_NO_TEAMS',
      'M365_BUSINESS_STANDARD',
      'M365_BUSINESS_STANDARD_NO_TEAMS',
      'M365_COPILOT',
      'M365_E3',
      'M365_E3_NO_TEAMS',
      'M365_E5',
      'M365_E5_NO_TEAMS',
      'M365_F1',
      'M365_F1_NO_TEAMS',
      'M365_F3',
      'M365_F3_NO_TEAMS',
      'DEFENDER_FOR_BUSINESS',
      'DEFENDER_FOR_OFFICE_365_PLAN_1',
      'ENTRA_ID_P1',
      'INTUNE_PLAN_1',
      'TEAMS_ENTERPRISE',
      'TEAMS_ESSENTIALS',
      'O365_E1',
      'O365_E1_NO_TEAMS',
      'O365_E3',
      'O365_E3_NO_TEAMS',
      'O365_E5',
      'O365_E5_NO_TEAMS',
      'POWER_AUTOMATE_PREMIUM',
      'POWER_BI_PREMIUM_PER_USER',
      'POWER_BI_PRO',
      'PROJECT_PLAN_1',
      'PROJECT_PLAN_3',
      'PROJECT_PLAN_5',
      'VISIO_PLAN_1',
      'VISIO_PLAN_2',
    ]);
    expect(body.subscriptions[0]).toEqual(
      expect.objectContaining({ sku: expect.any(String), name: expect.any(String), minLicenses: expect.any(Number) }),
    );
    const bySku = new Map(body.subscriptions.map((s: { sku: string }) => [s.sku, s]));
    expect(bySku.get('M365_E3')).toMatchObject({ existingSubscribersOnly: true, maxLicenses: 10_000 });
    expect(bySku.get('M365_BUSINESS_BASIC')).toMatchObject({ existingSubscribersOnly: false, maxLicenses: 300 });
    expect(bySku.get('M365_BUSINESS_BASIC')).not.toHaveProperty('countries');
  });

  it('answers 401 problem+json without an Authorization header', async () => {
    const response = await get('/v1/catalog?usageLocation=BR');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await bodyOf(response);
    expect(problem).toMatchObject({ type: 'urn:purchase-offers:problem:unauthorized', status: 401 });
    expect(problem.errors[0]).toMatchObject({ field: 'header.authorization', rule: 'missing' });
  });

  it('answers a malformed percent-escape in a path parameter with a 404, not a gateway error', async () => {
    const { key } = await newPartner();
    const response = await get('/v1/offers/%E0%A4%A', bearer(key));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['an unknown key', () => `Bearer ${generateApiKey()}`, 'unknown'],
    ['a malformed key', () => 'Bearer hunter2', 'malformed'],
  ])('answers 401 problem+json for %s', async (_label, header, rule) => {
    const response = await get('/v1/catalog?usageLocation=BR', { authorization: header() });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await bodyOf(response);
    expect(problem.errors[0]).toMatchObject({ field: 'header.authorization', rule });
  });

  it('stores only the hash of an issued key', async () => {
    const { key, partner } = await newPartner();
    const record = await admin.keys.getByHash(hashApiKey(key));
    expect(record).toMatchObject({ partnerId: partner.partnerId });
    expect(JSON.stringify(record)).not.toContain(key);
  });

  it('stops accepting a key once it is revoked, while the partner’s other keys keep working', async () => {
    const { key, keyId, partner } = await newPartner();
    const second = await admin.issueKey(partner.partnerId, 'second');
    expect((await get('/v1/usage-locations', bearer(key))).status).toBe(200);

    await admin.revokeKey(partner.partnerId, keyId);

    const revoked = await get('/v1/usage-locations', bearer(key));
    expect(revoked.status).toBe(401);
    expect((await bodyOf(revoked)).errors[0].rule).toBe('revoked');
    expect((await get('/v1/usage-locations', bearer(second.key))).status).toBe(200);
  });

  it('does not let one partner revoke another partner’s key', async () => {
    const owner = await newPartner();
    const other = await newPartner();
    await expect(admin.revokeKey(other.partner.partnerId, owner.keyId)).rejects.toMatchObject({ kind: 'not-found' });
    expect((await get('/v1/usage-locations', bearer(owner.key))).status).toBe(200);
  });
});

describe('catalog endpoints', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await newPartner());
  });

  it.each([
    ['ZZ', 'unsupported_usage_location'],
    ['brazil', 'pattern'],
    ['br', 'pattern'],
  ])('rejects usageLocation=%s with 400 naming the parameter and rule %s', async (value, rule) => {
    const response = await get(`/v1/catalog?usageLocation=${value}`, bearer(key));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await bodyOf(response);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'query.usageLocation', rule })]);
  });

  it('requires the usageLocation parameter', async () => {
    const response = await get('/v1/catalog', bearer(key));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors[0]).toMatchObject({ field: 'query.usageLocation', rule: 'required' });
  });

  it('lists usage locations in the language asked for', async () => {
    const en = await bodyOf(await get('/v1/usage-locations', bearer(key)));
    const pt = await bodyOf(await get('/v1/usage-locations', { ...bearer(key), 'accept-language': 'pt-BR,pt;q=0.9' }));
    const name = (body: { usageLocations: { code: string; name: string }[] }, code: string) =>
      body.usageLocations.find((l) => l.code === code)?.name;
    expect(en.locale).toBe('en');
    expect(pt.locale).toBe('pt-BR');
    expect(name(en, 'DE')).toBe('Germany');
    expect(name(pt, 'DE')).toBe('Alemanha');
  });

  it('models the EEA difference: suites with Teams are sold in the US, not in Germany', async () => {
    const names = async (country: string) =>
      (
        (await bodyOf(await get(`/v1/catalog?usageLocation=${country}`, bearer(key)))).subscriptions as {
          name: string;
        }[]
      ).map((s) => s.name);
    const de = await names('DE');
    const us = await names('US');
    expect(us).toContain('Microsoft 365 Business Standard');
    expect(de).not.toContain('Microsoft 365 Business Standard');
    expect(de).toContain('Microsoft 365 Business Standard (no Teams)');
  });
});
