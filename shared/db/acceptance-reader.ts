import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AcceptancePage, AcceptanceReader } from '../domain/acceptance.ts';
import type { TableRef } from './client.ts';
import { acceptanceFromItem, customerResponseKeys } from './customer-responses.ts';
import { offerKeys } from './offers.ts';

/**
 * An offer's acceptances for its partner (offersRead). On the SDK's document client like everything
 * else in that function, which then needs one client, not two; the customer page, which writes
 * these records through DynamoDbLite, never lists them.
 */
export class DynamoAcceptanceReader implements AcceptanceReader {
  constructor(private readonly table: TableRef) {}

  async listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage> {
    const pk = offerKeys.pk(summaryId);
    const { Items = [], LastEvaluatedKey } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': customerResponseKeys.acceptancePrefix },
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: { PK: pk, SK: customerResponseKeys.acceptanceSk(page.after) } } : {}),
      }),
    );
    const acceptances = Items.map(acceptanceFromItem);
    const last = acceptances.at(-1);
    return LastEvaluatedKey && last ? { acceptances, next: last.submissionId } : { acceptances };
  }
}
