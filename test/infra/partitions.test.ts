import { apiKeyKeys } from '../../shared/db/api-keys.ts';
import { consoleSessionKeys } from '../../shared/db/console-sessions.ts';
import { signInAttemptKeys } from '../../shared/db/console-sign-in-attempts.ts';
import { idempotencyKeys, offerReferenceKeys } from '../../shared/db/idempotency.ts';
import { VIEW_SHARDS, viewRecordKeys } from '../../shared/db/offer-views.ts';
import { offerCountersKeys, offerKeys, offerViewsKeys } from '../../shared/db/offers.ts';
import { officeKeys, officeSyncKeys } from '../../shared/db/offices.ts';
import { PARTITIONS, type PartitionPattern } from '../../shared/db/partitions.ts';
import { partnerKeys } from '../../shared/db/partners.ts';
import { webhookDeliveryKeys } from '../../shared/db/webhook-deliveries.ts';
import { webhookEndpointKeys } from '../../shared/db/webhook-endpoints.ts';
import { FUNCTIONS, type FunctionSpec } from '../../shared/routes.ts';

/**
 * The IAM grants name partition key families (dynamodb:LeadingKeys); the entities' key builders
 * make the keys. These tests tie the two together, so a key moved to another family cannot leave a
 * grant that no longer covers it (AccessDenied in production) or covers too much.
 */

/** IAM StringLike: `*` matches any run of characters, `?` one; everything else literally. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

const ALL = Object.values(PARTITIONS) as PartitionPattern[];
const familiesOf = (key: string) => ALL.filter((pattern) => stringLike(pattern, key));

// Ids as the directory and the API allow them (letters, digits, . _ : -), including ones that
// look like other families' prefixes.
const partnerIds = ['demo-partner', 'OFFICES', 'SYNC', 'a:b.c_d-e'];

describe('key builders and partition families', () => {
  it.each([
    ['partner profile', (id: string) => partnerKeys.pk(id), PARTITIONS.partner],
    ['idempotency record', (id: string) => idempotencyKeys.pk(id), PARTITIONS.partner],
    ['offer reference claim', (id: string) => offerReferenceKeys.pk(id), PARTITIONS.partner],
    ['offer GSI1 (a partner’s offers)', (id: string) => offerKeys.gsi1pk(id), PARTITIONS.partner],
    ['offer GSI2 (a partner’s open offers)', (id: string) => offerKeys.gsi2pk(id), PARTITIONS.partner],
    ['offer counters', (id: string) => offerCountersKeys.pk(id), PARTITIONS.offer],
    ['API key GSI1 (a partner’s keys)', (id: string) => apiKeyKeys.gsi1pk(id), PARTITIONS.partner],
    ['office', (id: string) => officeKeys.pk(id), PARTITIONS.offices],
    ['on-demand sync marker', (id: string) => officeSyncKeys.partnerPk(id), PARTITIONS.offices],
    ['webhook endpoint and count', (id: string) => webhookEndpointKeys.pk(id), PARTITIONS.webhooks],
    [
      'webhook delivery log',
      (id: string) => webhookDeliveryKeys.pk(id, 'we_0123456789abcdef01234567'),
      PARTITIONS.webhookDeliveries,
    ],
  ])('%s keys fall in exactly one family', (_what, key, family) => {
    for (const id of partnerIds) expect([id, familiesOf(key(id))]).toEqual([id, [family]]);
  });

  it('puts offers, their counters and answers in the offer family, API keys in theirs', () => {
    expect(familiesOf(offerKeys.pk('7K3M-Q9TX-4HNC-2RDV-8WJA'))).toEqual([PARTITIONS.offer]);
    expect(familiesOf(offerViewsKeys.pk('7K3M-Q9TX-4HNC-2RDV-8WJA'))).toEqual([PARTITIONS.offer]);
    // View records are not in the offer family: the page's puts there reach no offer item.
    for (let shard = 0; shard < VIEW_SHARDS; shard++) {
      expect(familiesOf(viewRecordKeys.pk('7K3M-Q9TX-4HNC-2RDV-8WJA', shard))).toEqual([PARTITIONS.views]);
    }
    expect(familiesOf(apiKeyKeys.pk('a'.repeat(64)))).toEqual([PARTITIONS.apiKey]);
    expect(familiesOf(officeSyncKeys.statePk())).toEqual([PARTITIONS.officeSyncState]);
  });

  it('puts console sessions and sign-in counters in the console family', () => {
    expect(familiesOf(consoleSessionKeys.pk('a'.repeat(64)))).toEqual([PARTITIONS.console]);
    expect(familiesOf(signInAttemptKeys.pk('b'.repeat(64)))).toEqual([PARTITIONS.console]);
  });

  it('keeps offices out of the partner family: the office sync cannot reach partner items', () => {
    expect(stringLike(PARTITIONS.partner, officeKeys.pk('demo-partner'))).toBe(false);
    expect(stringLike(PARTITIONS.offices, partnerKeys.pk('demo-partner'))).toBe(false);
    expect(stringLike(PARTITIONS.offices, idempotencyKeys.pk('demo-partner'))).toBe(false);
    expect(stringLike(PARTITIONS.offices, offerReferenceKeys.pk('demo-partner'))).toBe(false);
  });
});

describe('function grants cover the keys their code uses', () => {
  const specs: Readonly<Record<string, FunctionSpec>> = FUNCTIONS;
  /** Whether the function may perform `action` on `key` (on the table, or on GSI1 with `index`). */
  /** `index`: on that index (GSI1, GSI2) rather than the table. */
  function allows(name: string, action: string, key: string, index?: 'GSI1' | 'GSI2'): boolean {
    return (specs[name]?.table ?? []).some(
      (grant) =>
        grant.actions.includes(action as never) &&
        grant.index === index &&
        grant.partitions.some((pattern) => stringLike(pattern, key)),
    );
  }

  it('the webhook endpoints function: its webhooks partition only, never a partner profile, key or offer', () => {
    const pk = webhookEndpointKeys.pk('p1');
    for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) {
      expect([action, allows('webhookEndpoints', action, pk)]).toEqual([action, true]);
    }
    for (const key of [partnerKeys.pk('p1'), idempotencyKeys.pk('p1'), apiKeyKeys.pk('h'), offerKeys.pk('S')]) {
      for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) {
        expect([key, action, allows('webhookEndpoints', action, key)]).toEqual([key, action, false]);
      }
    }
  });

  it('the delivery function: deliveries and endpoints, read and updated; never a partner, key or offer item', () => {
    const delivery = webhookDeliveryKeys.pk('p1', 'we_1');
    const endpoint = webhookEndpointKeys.pk('p1');
    for (const key of [delivery, endpoint]) {
      expect([
        key,
        allows('webhookDeliveries', 'GetItem', key),
        allows('webhookDeliveries', 'UpdateItem', key),
      ]).toEqual([key, true, true]);
      expect([key, allows('webhookDeliveries', 'PutItem', key), allows('webhookDeliveries', 'Query', key)]).toEqual([
        key,
        false,
        false,
      ]);
    }
    for (const key of [partnerKeys.pk('p1'), idempotencyKeys.pk('p1'), apiKeyKeys.pk('h'), offerKeys.pk('S')]) {
      for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) {
        expect([key, action, allows('webhookDeliveries', action, key)]).toEqual([key, action, false]);
      }
    }
    // The fan-out records pending deliveries and reads endpoints, and writes nothing else.
    expect(allows('offerEvents', 'PutItem', delivery)).toBe(true);
    expect(allows('offerEvents', 'Query', endpoint)).toBe(true);
    expect(allows('offerEvents', 'PutItem', endpoint)).toBe(false);
    expect(allows('offerEvents', 'UpdateItem', offerKeys.pk('S'))).toBe(false);
  });

  it('the office sync: offices, markers and state; never a partner, key or offer item', () => {
    expect(allows('officeSync', 'PutItem', officeKeys.pk('p1'))).toBe(true);
    expect(allows('officeSync', 'UpdateItem', officeSyncKeys.partnerPk('p1'))).toBe(true);
    expect(allows('officeSync', 'UpdateItem', officeSyncKeys.statePk())).toBe(true);
    expect(allows('officeSync', 'GetItem', officeSyncKeys.statePk())).toBe(true);
    expect(allows('officeSync', 'BatchGetItem', officeKeys.pk('p1'))).toBe(true);
    expect(allows('officeSync', 'Query', officeKeys.pk('p1'))).toBe(true);
    for (const key of [partnerKeys.pk('p1'), idempotencyKeys.pk('p1'), apiKeyKeys.pk('h'), offerKeys.pk('S')]) {
      for (const action of ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem']) {
        expect([key, action, allows('officeSync', action, key)]).toEqual([key, action, false]);
      }
    }
  });

  it('offers read profiles, offices and idempotency records, and write offers and partner claims', () => {
    expect(allows('offers', 'BatchGetItem', partnerKeys.pk('p1'))).toBe(true);
    expect(allows('offers', 'BatchGetItem', officeKeys.pk('p1'))).toBe(true);
    expect(allows('offers', 'GetItem', idempotencyKeys.pk('p1'))).toBe(true);
    expect(allows('offers', 'GetItem', offerViewsKeys.pk('S'))).toBe(true);
    expect(allows('offers', 'PutItem', offerKeys.pk('S'))).toBe(true);
    expect(allows('offers', 'PutItem', offerReferenceKeys.pk('p1'))).toBe(true);
    expect(allows('offers', 'UpdateItem', offerKeys.pk('S'))).toBe(true);
    expect(allows('offers', 'PutItem', officeKeys.pk('p1'))).toBe(false);
    expect(allows('offers', 'UpdateItem', partnerKeys.pk('p1'))).toBe(false);
    expect(allows('offers', 'GetItem', apiKeyKeys.pk('h'))).toBe(false);
  });

  it('offersRead queries offers by partner on GSI1 and GSI2 only, and offer partitions on the table', () => {
    expect(allows('offersRead', 'Query', offerKeys.gsi1pk('p1'), 'GSI1')).toBe(true);
    expect(allows('offersRead', 'Query', offerKeys.gsi2pk('p1'), 'GSI2')).toBe(true);
    expect(allows('offersRead', 'BatchGetItem', offerCountersKeys.pk('S'))).toBe(true);
    expect(allows('offersRead', 'Query', offerKeys.pk('S'))).toBe(true);
    expect(allows('offersRead', 'BatchGetItem', offerViewsKeys.pk('S'))).toBe(true);
    // The partner's partition on the table (profile, idempotency records) stays out of reach.
    expect(allows('offersRead', 'Query', partnerKeys.pk('p1'))).toBe(false);
    expect(allows('offersRead', 'Query', offerKeys.pk('S'), 'GSI1')).toBe(false);
    expect(allows('offersRead', 'Query', offerKeys.pk('S'), 'GSI2')).toBe(false);
  });

  it('the customer page and the authorizer each reach one family only', () => {
    expect(allows('offerPage', 'GetItem', offerKeys.pk('S'))).toBe(true);
    expect(allows('offerPage', 'PutItem', offerKeys.pk('S'))).toBe(true);
    expect(allows('offerPage', 'PutItem', apiKeyKeys.pk('h'))).toBe(false);
    expect(allows('offerPage', 'UpdateItem', partnerKeys.pk('p1'))).toBe(false);
    expect(allows('authorizer', 'GetItem', apiKeyKeys.pk('h'))).toBe(true);
    expect(allows('authorizer', 'GetItem', partnerKeys.pk('p1'))).toBe(false);
    expect(allows('authorizer', 'GetItem', offerKeys.pk('S'))).toBe(false);
  });

  it('the console: its sessions and sign-in counters; API keys read only; no other function reaches them', () => {
    const session = consoleSessionKeys.pk('a'.repeat(64));
    const counter = signInAttemptKeys.pk('b'.repeat(64));
    for (const key of [session, counter]) {
      for (const action of ['GetItem', 'PutItem', 'UpdateItem']) {
        expect([key, action, allows('console', action, key)]).toEqual([key, action, true]);
      }
      for (const name of Object.keys(specs).filter((other) => other !== 'console')) {
        for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) {
          expect([name, action, allows(name, action, key)]).toEqual([name, action, false]);
        }
      }
    }
    expect(allows('console', 'GetItem', apiKeyKeys.pk('h'))).toBe(true);
    expect(allows('console', 'PutItem', apiKeyKeys.pk('h'))).toBe(false);
    expect(allows('console', 'UpdateItem', apiKeyKeys.pk('h'))).toBe(false);
  });

  it('GET /v1/offices reads offices and sync freshness only', () => {
    expect(allows('offices', 'Query', officeKeys.pk('p1'))).toBe(true);
    expect(allows('offices', 'BatchGetItem', officeSyncKeys.partnerPk('p1'))).toBe(true);
    expect(allows('offices', 'BatchGetItem', officeSyncKeys.statePk())).toBe(true);
    expect(allows('offices', 'Query', partnerKeys.pk('p1'))).toBe(false);
  });
});
