import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DynamoViewLog } from '../../shared/db/offer-views.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { hashApiKey } from '../../shared/domain/api-key.ts';
import { admin, newPartner, table } from '../support/local-api.ts';
import { countedViewsOf, offerFixture, putLegacyOffer, seedOffer } from '../support/offer-fixtures.ts';

const run = promisify(execFile);

/** Runs the real CLI the way ops do, against the integration table on DynamoDB Local. */
async function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, AWS_REGION: 'local' };
  const table = ['--table', process.env.TABLE_NAME ?? '', '--endpoint', process.env.DDB_ENDPOINT ?? ''];
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['infra/ops/cli.ts', ...args, ...table], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const partnerOptions = (id: string) => [
  '--partner-id',
  id,
  '--name',
  'Northwind IT',
  '--advisor-code',
  '4455667',
  '--customer-count',
  '12',
  '--contact-name',
  'Jo Lee',
  '--contact-email',
  'jo@northwind.example',
  '--delegated-admin-certified',
];

describe('ops CLI', () => {
  it('creates a partner, issues a key shown once, lists and revokes it, and updates the customer count', async () => {
    const id = `ops-${randomUUID().slice(0, 8)}`;

    expect((await ops('create-partner', ...partnerOptions(id))).code).toBe(0);
    const issued = await ops('issue-key', '--partner-id', id, '--label', 'billing system');
    const key = /(pok_[A-Za-z0-9_-]{43})/.exec(issued.stdout)?.[1] ?? '';
    const record = await admin.keys.getByHash(hashApiKey(key));
    expect(record).toMatchObject({ partnerId: id, label: 'billing system' });

    const listed = await ops('list-keys', '--partner-id', id);
    expect(listed.stdout).toContain(record?.keyId);
    expect(listed.stdout).not.toContain(key);

    expect((await ops('revoke-key', '--partner-id', id, '--key-id', record?.keyId ?? '')).code).toBe(0);
    expect((await admin.keys.getByHash(hashApiKey(key)))?.revokedAt).toEqual(expect.any(String));

    expect((await ops('set-customer-count', '--partner-id', id, '--customer-count', '150')).code).toBe(0);
    expect((await admin.partners.get(id))?.customerCount).toBe(150);
  }, 30_000);

  it('issues a key labelled for a person, refusing a label with invisible characters', async () => {
    const id = `ops-${randomUUID().slice(0, 8)}`;
    expect((await ops('create-partner', ...partnerOptions(id))).code).toBe(0);

    const issued = await ops('issue-key', '--partner-id', id, '--label', '  Ana Souza ');
    const refused = await ops('issue-key', '--partner-id', id, '--label', 'Ana\u202eSouza');

    const key = /(pok_[A-Za-z0-9_-]{43})/.exec(issued.stdout)?.[1] ?? '';
    expect(issued.stdout).toContain('label "Ana Souza"');
    expect((await admin.keys.getByHash(hashApiKey(key)))?.label).toBe('Ana Souza');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--label');
    expect(await admin.keys.listForPartner(id)).toHaveLength(1);
  }, 30_000);

  it('rejects invalid options, naming each one, and writes nothing', async () => {
    const id = `ops-${randomUUID().slice(0, 8)}`;
    const result = await ops('create-partner', ...partnerOptions(id).slice(0, -3), '--contact-email', 'not-an-email');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--contact-email');
    expect(await admin.partners.get(id)).toBeUndefined();
  }, 30_000);

  it('applies the API’s text and email rules: invisible names refused, names NFC, email domains in ASCII', async () => {
    const refused = `ops-${randomUUID().slice(0, 8)}`;
    const invisible = await ops('create-partner', ...partnerOptions(refused), '--contact-name', '\u3164');
    expect(invisible.code).toBe(2);
    expect(invisible.stderr).toContain('--contact-name must not contain invisible characters');
    expect(await admin.partners.get(refused)).toBeUndefined();

    const id = `ops-${randomUUID().slice(0, 8)}`;
    const options = partnerOptions(id);
    options[options.indexOf('--name') + 1] = 'Informa\u0301tica Sa\u0303o Joa\u0303o';
    options[options.indexOf('--contact-email') + 1] = 'jo@informática.рф';
    expect((await ops('create-partner', ...options)).code).toBe(0);
    expect(await admin.partners.get(id)).toMatchObject({
      name: 'Informática São João',
      contact: { email: 'jo@xn--informtica-x4a.xn--p1ai' },
    });
  }, 30_000);

  it('counts an offer’s view records left uncounted (the views function down), exactly once however often it runs', async () => {
    // Arrange: three views recorded, none counted yet.
    const offer = await seedOffer();
    const views = new DynamoViewLog(table);
    for (let n = 0; n < 3; n++) await views.record(offer.summaryId, new Date());

    // Act
    const first = await ops('count-views', '--summary-id', offer.summaryId.toLowerCase());
    const again = await ops('count-views', '--summary-id', offer.summaryId);
    const invalid = await ops('count-views', '--summary-id', 'not-a-code');

    // Assert
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 view records pending, 3 counted now');
    expect(again.stdout).toContain('0 view records pending, 0 counted now');
    expect(await countedViewsOf(offer.summaryId)).toBe(3);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--summary-id must be a summary ID');
  }, 30_000);

  it('counts every offer’s uncounted view records with --all (the dead-letter message names no offer), once', async () => {
    // Arrange: two offers with views recorded, none counted yet.
    const [one, two] = [await seedOffer(), await seedOffer()];
    const views = new DynamoViewLog(table);
    for (let n = 0; n < 2; n++) await views.record(one.summaryId, new Date());
    for (let n = 0; n < 3; n++) await views.record(two.summaryId, new Date());

    // Act
    const first = await ops('count-views', '--all');
    const again = await ops('count-views', '--all');
    const neither = await ops('count-views');

    // Assert
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain(`${one.summaryId}: 2 view records pending, 2 counted now`);
    expect(first.stdout).toContain(`${two.summaryId}: 3 view records pending, 3 counted now`);
    expect(again.stdout).not.toContain(one.summaryId);
    expect(again.stdout).not.toContain(two.summaryId);
    expect(await countedViewsOf(one.summaryId)).toBe(2);
    expect(await countedViewsOf(two.summaryId)).toBe(3);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('either --summary-id ID or --all');
  }, 30_000);

  it('backfills every partner’s older offers with --all-partners, and asks for one of the two options', async () => {
    // Arrange: a partner with an open offer stored before the counters item and the open-offers keys.
    const { partner } = await newPartner();
    const offer = offerFixture({ partnerId: partner.partnerId, acceptances: 2, declines: 1 });
    await putLegacyOffer(offer);

    // Act
    const result = await ops('backfill-offer-counters', '--all-partners');
    const neither = await ops('backfill-offer-counters');

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `${partner.partnerId}: 1 offers read, 1 counters items written, 1 open offers indexed`,
    );
    const listed = await new DynamoOfferStore(table).listForPartner(partner.partnerId, {
      limit: 10,
      status: 'active',
      now: new Date(),
    });
    expect(listed.offers.map((o) => [o.summaryId, o.acceptances])).toEqual([[offer.summaryId, 2]]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('either --partner-id ID or --all-partners');
  }, 60_000);

  it('refuses a key for a partner that does not exist', async () => {
    const result = await ops('issue-key', '--partner-id', 'no-such-partner');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Partner not found');
  }, 30_000);
});
