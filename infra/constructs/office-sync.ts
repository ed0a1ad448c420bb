import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { OFFICE_SYNC_METRICS } from '../../functions/office-sync/metrics.ts';
import type { AppFunction } from './app-function.ts';

/** The only SSM action the office sync may use, on its credential parameter only. */
export const OFFICE_SYNC_SSM_ACTIONS = ['ssm:GetParameter'] as const;

export interface OfficeSyncAccessProps {
  /** SecureString parameter holding the directory credential; created by ops, not by the stack. */
  readonly credentialParameterName: string;
  /**
   * Alarm when no scheduled run has succeeded for this long. The stack passes two sync intervals,
   * never less than the offices' freshness promise (20 minutes at the default 10-minute rate): one
   * missed run is a passing hiccup, two mean new offices are late.
   */
  readonly staleAfter: Duration;
}

/** The office sync's freshness alarm: the schedule may be running and failing, or not running. */
export const OFFICE_SYNC_STALE_ALARM_ID = 'SyncStaleAlarm';
/** Fires when the directory sent records that failed validation (skipped, so their offices are stale). */
export const OFFICE_SYNC_INVALID_RECORDS_ALARM_ID = 'InvalidRecordsAlarm';
/**
 * Window of the invalid-records alarm. A malformed record is reported by one run only (the cursor
 * moves past it), so a window of one run would raise the alarm and clear it at the next run; an
 * hour keeps it up long enough to be noticed.
 */
export const OFFICE_SYNC_INVALID_RECORDS_WINDOW = Duration.hours(1);

/**
 * What the office sync needs beyond its table grants (declared with its spec in shared/routes.ts):
 * the directory credential, which no other function can read, and its alarms.
 */
export function bindOfficeSync(fn: AppFunction, { credentialParameterName, staleAfter }: OfficeSyncAccessProps): void {
  fn.function.addEnvironment('DIRECTORY_CREDENTIAL_PARAMETER', credentialParameterName);
  // SecureString parameters cannot be created by CloudFormation; the stack only references it.
  // GetParameter is the one call the credential loader makes (grantRead would add GetParameters,
  // GetParameterHistory and DescribeParameters). Decryption with the default aws/ssm key needs no
  // KMS grant.
  const parameter = StringParameter.fromSecureStringParameterAttributes(fn, 'DirectoryCredential', {
    parameterName: credentialParameterName,
  });
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...OFFICE_SYNC_SSM_ACTIONS], resources: [parameter.parameterArn] }),
  );

  // Errors and the dead-letter queue catch runs that fail; this catches runs that stop happening
  // or stop succeeding for any other reason (a disabled schedule, throttling, a stuck directory).
  new Alarm(fn, OFFICE_SYNC_STALE_ALARM_ID, {
    alarmDescription: `officeSync: no successful office sync for ${staleAfter.toMinutes()} minutes; new offices are not arriving`,
    metric: new Metric({
      namespace: OFFICE_SYNC_METRICS.namespace,
      metricName: OFFICE_SYNC_METRICS.succeeded,
      dimensionsMap: { service: OFFICE_SYNC_METRICS.service },
      statistic: 'Sum',
      period: staleAfter,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.BREACHING,
  });

  // A malformed record does not fail the run: it is skipped, logged and counted, and the cursor
  // moves past it, so the office it describes stays out of date until the directory sends it again.
  // Someone has to tell the directory's owners; this is how they learn of it. No run, no data: fine.
  new Alarm(fn, OFFICE_SYNC_INVALID_RECORDS_ALARM_ID, {
    alarmDescription:
      'officeSync: the partner network directory sent records that failed validation; they were skipped ' +
      '(see the "skipped invalid directory record" log lines and lastInvalidRecords in the sync state)',
    metric: new Metric({
      namespace: OFFICE_SYNC_METRICS.namespace,
      metricName: OFFICE_SYNC_METRICS.invalid,
      dimensionsMap: { service: OFFICE_SYNC_METRICS.service },
      statistic: 'Sum',
      period: OFFICE_SYNC_INVALID_RECORDS_WINDOW,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
