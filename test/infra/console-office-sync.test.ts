import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app.ts';

/** The console's "sync offices now" as deployed: it may invoke the office sync function, and only that. */
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const { stack } = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const consoleFn = stack.functions.console;
const officeSync = stack.functions.officeSync;
if (!consoleFn || !officeSync) throw new Error('the stack has no console or officeSync function');

/** Every statement of every policy attached to the role of `fn`. */
function statementsOf(fn: NonNullable<typeof consoleFn>): Statement[] {
  const roleId = id(fn.role as never);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const invokes = (statement: Statement) =>
  (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).some((action) =>
    action.startsWith('lambda:'),
  );

describe('console sync now', () => {
  it('may invoke the office sync function, on its ARN only (no version or alias wildcard)', () => {
    const statements = statementsOf(consoleFn).filter(invokes);

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [id(officeSync.function), 'Arn'] },
      },
    ]);
  });

  it('finds the office sync function by the name the stack passes it', () => {
    const properties = resources[id(consoleFn.function)]?.Properties ?? {};
    const environment = (properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(environment.OFFICE_SYNC_FUNCTION_NAME).toEqual({ Ref: id(officeSync.function) });
  });

  it('is the only function that may invoke another one directly', () => {
    const others = Object.entries(stack.functions).filter(([name]) => name !== 'console');

    for (const [, fn] of others) if (fn) expect(statementsOf(fn).filter(invokes)).toEqual([]);
  });
});
