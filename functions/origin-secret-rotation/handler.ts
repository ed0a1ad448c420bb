import { randomBytes } from 'node:crypto';
import { CloudFrontClient, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { sdkClientConfig, withOperationBudget } from '../../shared/config/aws-sdk.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { ORIGIN_VERIFY_HEADER, parseOriginSecret } from '../../shared/http/origin-check.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';

/**
 * Rotates the origin secret (Secrets Manager's four-step rotation protocol), keeping CloudFront
 * and the functions in step so that no request is refused on the way:
 *   createSecret  the next value `{current: <new>, previous: <old current>}` as AWSPENDING
 *   setSecret     nothing: CloudFront must not send the new value before the functions accept it
 *   testSecret    the pending value parses and still carries the old value as `previous`
 *   finishSecret  AWSCURRENT moves to it (the functions now accept both values: those that read
 *                 the secret before re-read it at their first unknown header), then CloudFront's
 *                 origin header is set to the new value
 * Each step can run again after a failure and ends in the same state.
 */

/** Secrets Manager's invocation of a rotation function. */
export interface RotationEvent {
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

/** Random bytes per new value: 36 bytes, 48 base64url characters. */
const SECRET_BYTES = 36;

type SecretsClient = Pick<SecretsManagerClient, 'send'>;
type DistributionClient = Pick<CloudFrontClient, 'send'>;

export interface RotationDeps {
  readonly secrets: SecretsClient;
  readonly cloudFront: DistributionClient;
  /** The distribution whose origin header carries the secret. */
  readonly distributionId: string;
  /** The secret this function may rotate (ORIGIN_SECRET_ARN): any other id is refused. */
  readonly secretArn: string;
  readonly random?: () => string;
}

function newValue(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

async function stagesOf(secrets: SecretsClient, secretId: string): Promise<Record<string, string[]>> {
  const description = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (description.RotationEnabled === false) throw new Error(`Secret ${secretId} does not have rotation enabled`);
  return description.VersionIdsToStages ?? {};
}

async function versionValue(
  secrets: SecretsClient,
  secretId: string,
  stage: 'AWSCURRENT' | 'AWSPENDING',
  versionId?: string,
) {
  const answer = await secrets.send(
    new GetSecretValueCommand({
      SecretId: secretId,
      VersionStage: stage,
      ...(versionId ? { VersionId: versionId } : {}),
    }),
  );
  return { versionId: answer.VersionId, secret: parseOriginSecret(answer.SecretString ?? '', `secret ${stage}`) };
}

/** Sets the distribution's origin header to `value` wherever the header is (no change when it already is). */
export async function setOriginHeader(cloudFront: DistributionClient, distributionId: string, value: string) {
  const { DistributionConfig: config, ETag } = await cloudFront.send(
    new GetDistributionConfigCommand({ Id: distributionId }),
  );
  if (!config || !ETag) throw new Error(`Distribution ${distributionId} has no configuration`);
  let found = 0;
  let changed = false;
  for (const origin of config.Origins?.Items ?? []) {
    for (const header of origin.CustomHeaders?.Items ?? []) {
      if (header.HeaderName?.toLowerCase() !== ORIGIN_VERIFY_HEADER) continue;
      found += 1;
      if (header.HeaderValue !== value) {
        header.HeaderValue = value;
        changed = true;
      }
    }
  }
  if (found === 0) throw new Error(`Distribution ${distributionId} has no ${ORIGIN_VERIFY_HEADER} origin header`);
  if (changed) {
    await cloudFront.send(
      new UpdateDistributionCommand({ Id: distributionId, IfMatch: ETag, DistributionConfig: config }),
    );
  }
  return changed;
}

export function createHandler(deps: () => RotationDeps) {
  return async (event: RotationEvent): Promise<void> => {
    const { secrets, cloudFront, distributionId, secretArn, random = newValue } = deps();
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
    if (secretId !== secretArn) throw new Error('This function rotates only its own origin secret');
    const stages = await stagesOf(secrets, secretId);
    const tokenStages = stages[token];
    if (!tokenStages) throw new Error(`Version ${token} of the secret does not exist`);
    logger.info('origin secret rotation', { step });
    // Already rotated to this version: only finishSecret has something left to make sure of.
    if (tokenStages.includes('AWSCURRENT') && step !== 'finishSecret') return;
    if (!tokenStages.includes('AWSPENDING') && !tokenStages.includes('AWSCURRENT')) {
      throw new Error(`Version ${token} of the secret is not pending rotation`);
    }

    switch (step) {
      case 'createSecret': {
        // A retried step finds the pending value already stored.
        const stored = await secrets
          .send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }))
          .then(
            (answer) => answer.SecretString !== undefined,
            (error: Error) => {
              if (error.name === 'ResourceNotFoundException') return false;
              throw error;
            },
          );
        if (stored) return;
        const { secret: current } = await versionValue(secrets, secretId, 'AWSCURRENT');
        const next = { current: random(), previous: current.current };
        await secrets.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: JSON.stringify(next),
            VersionStages: ['AWSPENDING'],
          }),
        );
        return;
      }
      case 'setSecret':
        return;
      case 'testSecret': {
        const { secret: pending } = await versionValue(secrets, secretId, 'AWSPENDING', token);
        const { secret: current } = await versionValue(secrets, secretId, 'AWSCURRENT');
        if (pending.previous !== current.current) {
          throw new Error('The pending value does not keep the current value as previous');
        }
        return;
      }
      case 'finishSecret': {
        const currentVersion = Object.entries(stages).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
        if (currentVersion !== token) {
          await secrets.send(
            new UpdateSecretVersionStageCommand({
              SecretId: secretId,
              VersionStage: 'AWSCURRENT',
              MoveToVersionId: token,
              RemoveFromVersionId: currentVersion,
            }),
          );
        }
        // After the move: whatever CloudFront sends now (the old value) is `previous`, still accepted.
        const { secret } = await versionValue(secrets, secretId, 'AWSCURRENT');
        const changed = await setOriginHeader(cloudFront, distributionId, secret.current);
        logger.info('origin secret rotated', { distributionUpdated: changed });
        return;
      }
    }
  };
}

let deps: RotationDeps | undefined;
function awsDeps(): RotationDeps {
  deps ??= {
    secrets: withOperationBudget(new SecretsManagerClient(sdkClientConfig())),
    // CloudFront's API answers from us-east-1, whatever the stack's region.
    cloudFront: withOperationBudget(new CloudFrontClient({ ...sdkClientConfig(), region: 'us-east-1' })),
    distributionId: requiredEnv('DISTRIBUTION_ID'),
    secretArn: requiredEnv('ORIGIN_SECRET_ARN'),
  };
  return deps;
}

// Correlated by the rotation's version id: the four steps of one rotation share it.
export const handler = withLambdaContext(createHandler(awsDeps), (event) => event.ClientRequestToken);
