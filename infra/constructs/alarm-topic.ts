import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly stage: string;
  /** Names what the alarms watch in the topic's display name and the key's description, e.g. `edge`. */
  readonly kind?: string;
  /** Subscribed by email (its owner confirms once); absent: the topic has no subscription. */
  readonly email?: string;
}

/**
 * Where a stack's CloudWatch alarms notify: an SNS topic encrypted with a rotated KMS key that
 * CloudWatch may use (the AWS-managed SNS key does not let CloudWatch publish), refusing requests
 * without TLS, with the stage's alarm email subscribed. An alarm only notifies a topic of its own
 * region, so every region with alarms has one.
 *
 * The key is created beside the topic as `<id>Key`, not under it: the main stack's topic and key
 * keep the logical IDs they had before this construct existed (new ones would replace the topic,
 * and its subscribers would have to confirm again).
 */
export class AlarmTopic extends Topic {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    const what = props.kind ? `${props.kind} alarm` : 'alarm';
    const key = new Key(scope, `${id}Key`, {
      description: `Purchase offers (${props.stage}): encrypts ${what} notifications`,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
    super(scope, id, {
      displayName: `Purchase offers ${props.stage} ${what}s`,
      masterKey: key,
      enforceSSL: true,
    });
    this.key = key;
    if (props.email) this.addSubscription(new EmailSubscription(props.email));
  }
}
