import { Stack, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../infra/app.ts';

/**
 * cdk-nag 3 runs as a validation plugin: at synth, unacknowledged errors throw, but warnings are
 * only printed. So the test synthesises the app exactly as `cdk synth` does (errors fail here),
 * then walks the synthesised tree with the same rule pack to see warnings too.
 */
// Every stack: the main one, the us-east-1 web ACL stack and the us-east-1 edge alarms stack are
// in the app the checks walk.
const { app, stack, edge, edgeAlarms } = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('synthesises without unacknowledged errors', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('leaves no unacknowledged finding of any level', () => {
    app.synth();
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges findings one by one, on the resources concerned, each with a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // Never on the whole stack or app: that would also silence findings on resources added later.
      const inStack = [stack, edge, edgeAlarms].some((owner) => ack.path.startsWith(`${owner.node.path}/`));
      expect([ack.id, inStack]).toEqual([ack.id, true]);
      expect([ack.id, ack.reason.trim().length > 20]).toEqual([ack.id, true]);
    }
  });

  it('walks every stack of the app, the us-east-1 edge alarms included', () => {
    // A fresh app with a topic that accepts publishing without TLS in each stack: each is reported.
    const probe = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const owners = [probe.stack, probe.edge, probe.edgeAlarms];
    for (const owner of owners) new Topic(owner, 'NagProbeTopic');
    const report = new AwsSolutionsChecks().validateScope(probe.app);
    const flagged = report.violations
      .filter((violation) => violation.ruleName === 'AwsSolutions-SNS3')
      .flatMap((violation) => violation.violatingResources.map((resource) => resource.constructPath));
    for (const owner of owners) expect(flagged).toContain(`${owner.node.path}/NagProbeTopic/Resource`);
    expect(probe.app.node.children.filter(Stack.isStack)).toHaveLength(owners.length);
  });
});
