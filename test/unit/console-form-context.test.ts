import type { Office, SyncFreshness } from '../../shared/domain/office.ts';
import type { Partner } from '../../shared/domain/partner.ts';

/**
 * The offer form's context (partner, offices, sync freshness), shared by the console's create and
 * revise forms. create-offer.ts builds its default services at module load, so the environment they
 * read is set first (nothing is called on them here).
 */
let loadOfferFormContext: typeof import('../../functions/console/create-offer.ts').loadOfferFormContext;
const saved = { ...process.env };
beforeAll(async () => {
  process.env.PUBLIC_BASE_URL = 'https://offers.example.com';
  process.env.TABLE_NAME = process.env.TABLE_NAME ?? 'unit-test-table';
  process.env.DDB_ENDPOINT = process.env.DDB_ENDPOINT ?? 'http://127.0.0.1:9';
  ({ loadOfferFormContext } = await import('../../functions/console/create-offer.ts'));
});
afterAll(() => {
  process.env = saved;
});

const partner = { partnerId: 'p-1', name: 'Contoso', delegatedAdminCertified: true } as Partner;
const offices = [{ officeId: 'sao-paulo' }] as unknown as Office[];
const freshness: SyncFreshness = { onDemandAt: '2026-11-30T06:00:00.000Z' };

/** Stores whose reads wait until released, recording which reads were started. */
function heldStores() {
  const started: string[] = [];
  const releases: (() => void)[] = [];
  const held =
    <T>(name: string, value: T) =>
    () => {
      started.push(name);
      return new Promise<T>((resolve) => releases.push(() => resolve(value)));
    };
  return {
    started,
    release: () => {
      for (const release of releases) release();
    },
    deps: {
      partners: { get: held('partner', partner as Partner | undefined) },
      offices: { listForPartner: held('offices', offices), syncFreshness: held('freshness', freshness) },
    },
  };
}

describe('loadOfferFormContext', () => {
  it('starts the three reads together, before any answers, and returns what they read', async () => {
    // Arrange
    const stores = heldStores();

    // Act
    const loading = loadOfferFormContext(stores.deps, 'p-1');
    await Promise.resolve();
    const startedBeforeAnyAnswer = [...stores.started];
    stores.release();
    const context = await loading;

    // Assert
    expect(startedBeforeAnyAnswer.sort()).toEqual(['freshness', 'offices', 'partner']);
    expect(context).toEqual({ partner, offices, freshness });
  });

  it('does not read a partner it is given', async () => {
    const stores = heldStores();

    const loading = loadOfferFormContext(stores.deps, 'p-1', partner);
    await Promise.resolve();
    stores.release();
    const context = await loading;

    expect(stores.started.sort()).toEqual(['freshness', 'offices']);
    expect(context.partner).toBe(partner);
  });
});
