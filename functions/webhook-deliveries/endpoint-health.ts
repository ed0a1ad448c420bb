import { isConditionFailed, type Table } from '../../shared/db/port.ts';
import { webhookEndpointKeys } from '../../shared/db/webhook-endpoints.ts';
import { DISABLE_AFTER_FAILING_MS, type WebhookEndpoint } from '../../shared/domain/webhook.ts';

/**
 * The delivery function's writes to an endpoint: its run of failures (`failingSince`) and, after
 * DISABLE_AFTER_FAILING_MS (3 days) of nothing but failures, its disabling. `updatedAt` is left
 * alone except on disabling: these are not the partner's edits.
 */
export class EndpointHealth {
  constructor(private readonly table: Table) {}

  private key(endpoint: Pick<WebhookEndpoint, 'partnerId' | 'endpointId'>) {
    return { PK: webhookEndpointKeys.pk(endpoint.partnerId), SK: webhookEndpointKeys.sk(endpoint.endpointId) };
  }

  /** A success ends the run of failures. */
  async succeeded(endpoint: WebhookEndpoint): Promise<void> {
    if (endpoint.failingSince === undefined) return;
    await this.conditional({
      Key: this.key(endpoint),
      UpdateExpression: 'REMOVE failingSince',
      ConditionExpression: 'attribute_exists(failingSince)',
    });
  }

  /**
   * A failure at `at` starts a run of failures, or, when the run is 3 days old, disables the
   * endpoint. Resolves with true when this failure disabled it.
   */
  async failed(endpoint: WebhookEndpoint, at: Date): Promise<boolean> {
    if (endpoint.failingSince === undefined) {
      await this.conditional({
        Key: this.key(endpoint),
        UpdateExpression: 'SET failingSince = :at',
        ConditionExpression:
          'attribute_exists(PK) AND attribute_not_exists(deletedAt) AND attribute_not_exists(failingSince)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      });
      return false;
    }
    if (at.getTime() - Date.parse(endpoint.failingSince) < DISABLE_AFTER_FAILING_MS) return false;
    return this.conditional({
      Key: this.key(endpoint),
      UpdateExpression: 'SET #status = :disabled, disabledReason = :reason, updatedAt = :at',
      ConditionExpression: 'attribute_not_exists(deletedAt) AND failingSince = :since AND #status = :enabled',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':disabled': 'disabled',
        ':enabled': 'enabled',
        ':since': endpoint.failingSince,
        ':at': at.toISOString(),
        ':reason': `Every delivery failed from ${endpoint.failingSince} to ${at.toISOString()} (3 days)`,
      },
    });
  }

  /** false when the condition failed: another attempt or a partner's change got there first. */
  private async conditional(input: Parameters<Table['update']>[0]): Promise<boolean> {
    try {
      await this.table.update(input);
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
