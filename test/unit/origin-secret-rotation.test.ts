import {
  CloudFrontClient,
  type DistributionConfig,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, type RotationEvent } from '../../functions/origin-secret-rotation/handler.ts';
import { ORIGIN_VERIFY_HEADER } from '../../shared/http/origin-check.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:origin-abc';
const OLD = 'o'.repeat(48);
const OLDER = 'q'.repeat(48);
const NEW = 'n'.repeat(48);
const secrets = mockClient(SecretsManagerClient);
const cloudFront = mockClient(CloudFrontClient);

const handler = createHandler(() => ({
  secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
  cloudFront: new CloudFrontClient({ region: 'us-east-1' }),
  distributionId: 'E123',
  secretArn: ARN,
  random: () => NEW,
}));
const step = (Step: RotationEvent['Step'], SecretId = ARN): RotationEvent => ({
  Step,
  SecretId,
  ClientRequestToken: 'v2',
});

function distribution(headerValue: string): DistributionConfig {
  return {
    CallerReference: 'ref',
    Comment: '',
    Enabled: true,
    DefaultCacheBehavior: { TargetOriginId: 'api', ViewerProtocolPolicy: 'redirect-to-https' },
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: 'api',
          DomainName: 'abc.execute-api.eu-west-1.amazonaws.com',
          CustomHeaders: { Quantity: 1, Items: [{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: headerValue }] },
        },
      ],
    },
  } as DistributionConfig;
}

beforeEach(() => {
  secrets.reset();
  cloudFront.reset();
});

describe('origin secret rotation', () => {
  it('createSecret stores the next value as AWSPENDING, keeping the current one as previous', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionId: 'v2', VersionStage: 'AWSPENDING' })
      .rejects(Object.assign(new Error('no value yet'), { name: 'ResourceNotFoundException' }));
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' })
      .resolves({ VersionId: 'v1', SecretString: JSON.stringify({ current: OLD, previous: OLDER }) });

    await handler(step('createSecret'));

    const [put] = secrets.commandCalls(PutSecretValueCommand);
    expect(put?.args[0].input).toEqual({
      SecretId: ARN,
      ClientRequestToken: 'v2',
      SecretString: JSON.stringify({ current: NEW, previous: OLD }),
      VersionStages: ['AWSPENDING'],
    });
    // CloudFront is not touched before the functions accept the new value.
    expect(cloudFront.calls()).toHaveLength(0);
  });

  it('createSecret run again finds the pending value and stores nothing', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionId: 'v2', VersionStage: 'AWSPENDING' })
      .resolves({ VersionId: 'v2', SecretString: JSON.stringify({ current: NEW, previous: OLD }) });

    await handler(step('createSecret'));

    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('testSecret refuses a pending value that would drop the value CloudFront sends now', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPENDING', VersionId: 'v2' })
      .resolves({ SecretString: JSON.stringify({ current: NEW, previous: OLDER }) });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: JSON.stringify({ current: OLD }) });

    await expect(handler(step('testSecret'))).rejects.toThrow(/previous/);
  });

  it('finishSecret moves AWSCURRENT first, then sets CloudFront’s origin header to the new value', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: JSON.stringify({ current: NEW, previous: OLD }) });
    cloudFront.on(GetDistributionConfigCommand).resolves({ ETag: 'etag-1', DistributionConfig: distribution(OLD) });

    await handler(step('finishSecret'));

    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v2',
      RemoveFromVersionId: 'v1',
    });
    const [update] = cloudFront.commandCalls(UpdateDistributionCommand);
    expect(update?.args[0].input).toMatchObject({ Id: 'E123', IfMatch: 'etag-1' });
    expect(update?.args[0].input.DistributionConfig?.Origins?.Items?.[0]?.CustomHeaders?.Items).toEqual([
      { HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: NEW },
    ]);
  });

  it('finishSecret run again (the label already moved) only makes sure CloudFront sends the current value', async () => {
    secrets.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] } });
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: JSON.stringify({ current: NEW, previous: OLD }) });
    cloudFront.on(GetDistributionConfigCommand).resolves({ ETag: 'etag-2', DistributionConfig: distribution(NEW) });

    await handler(step('finishSecret'));

    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(cloudFront.commandCalls(UpdateDistributionCommand)).toHaveLength(0);
  });

  it('rotates no other secret than its own', async () => {
    await expect(handler(step('createSecret', 'arn:aws:secretsmanager:eu-west-1:1:secret:other'))).rejects.toThrow(
      /only its own/,
    );
    expect(secrets.calls()).toHaveLength(0);
  });
});
