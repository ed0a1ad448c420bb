import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalGateway } from '../../infra/local/gateway.ts';
import { PartnerAdmin } from '../../infra/ops/partner-admin.ts';
import { officeToItem } from '../../shared/db/offices.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import type { Office } from '../../shared/domain/office.ts';
import type { Partner } from '../../shared/domain/partner.ts';
import { contractViolations } from './openapi-contract.ts';

/** The integration table (DynamoDB Local, started by globalSetup). */
export const table = sdkTableFromEnv();
export const admin = new PartnerAdmin(table);

/**
 * Starts the local gateway on a free port for one test file; the handlers are the real ones. Every
 * partner API exchange is checked against the OpenAPI document (test/support/openapi-contract.ts):
 * `close` fails the file, naming each exchange the document does not describe.
 */
export async function startLocalApi(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const violations: string[] = [];
  const server: Server = createLocalGateway({
    onExchange: (exchange) => violations.push(...contractViolations(exchange)),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (violations.length > 0) {
        throw new Error(`Answers the OpenAPI document does not describe:\n${[...new Set(violations)].join('\n')}`);
      }
    },
  };
}

/** A fresh partner with its own key, so tests never share state. */
export async function newPartner(
  overrides: Partial<Omit<Partner, 'partnerId' | 'createdAt' | 'updatedAt'>> = {},
): Promise<{ partner: Partner; key: string; keyId: string }> {
  const partner = await admin.createPartner({
    partnerId: `p-${randomUUID()}`,
    name: 'Fabrikam Partners',
    advisorCode: '4400001',
    customerCount: 10,
    delegatedAdminCertified: true,
    contact: { name: 'Pat Doe', email: 'pat@fabrikam.example' },
    ...overrides,
  });
  const { key, record } = await admin.issueKey(partner.partnerId, 'test');
  return { partner, key, keyId: record.keyId };
}

/** Puts an office straight into the table, as the office sync would have written it. */
export async function seedOffice(
  partnerId: string,
  overrides: Partial<Omit<Office, 'partnerId'>> = {},
): Promise<Office> {
  const at = new Date().toISOString();
  const office: Office = {
    partnerId,
    officeId: `office-${randomUUID().slice(0, 8)}`,
    name: 'Fabrikam São Paulo',
    city: 'São Paulo',
    country: 'BR',
    active: true,
    sourceUpdatedAt: at,
    lastSyncedAt: at,
    ...overrides,
  };
  await table.client.send(new PutCommand({ TableName: table.name, Item: officeToItem(office) }));
  return office;
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** Test code reads response bodies loosely; the assertions are what check their shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape
export async function bodyOf(response: Response): Promise<any> {
  return response.json();
}
