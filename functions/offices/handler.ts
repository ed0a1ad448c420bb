import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { partnerLastSyncedAt } from '../../shared/domain/office.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import { officeView, sortOffices } from '../../shared/render/office-view.ts';
import { listOfficesQuery } from '../../shared/schemas/offices.ts';

const store = new DynamoOfficeStore(sdkTableFromEnv());

/** GET /v1/offices: the partner's synced offices (one Query plus one BatchGetItem for freshness). */
export const listOffices = partnerRoute({ query: listOfficesQuery }, async ({ partnerId, query }) => {
  const [offices, freshness] = await Promise.all([store.listForPartner(partnerId), store.syncFreshness(partnerId)]);
  const wanted = query.active === undefined ? offices : offices.filter((o) => o.active === (query.active === 'true'));
  return json(200, {
    offices: sortOffices(wanted).map((office) => officeView(office, freshness)),
    lastSyncedAt: partnerLastSyncedAt(freshness, offices.length > 0),
  });
});

export const handler = routeGroup('offices', { 'GET /v1/offices': listOffices });
