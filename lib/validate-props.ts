/**
 * Range and combination checks for {@link HyperparameterTunerProps}.
 *
 * Every problem is collected and reported at once; values that are still tokens are
 * skipped (they are only known at deploy time). Messages are lowercase and say what was
 * wrong, which value arrived and what is allowed.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { HyperparameterTunerProps } from './tuner-props';
import { MAX_TICKS_BEFORE_CONTINUE_AS_NEW } from './private/definition';

/**
 * The longest `jobNamePrefix`. Training job names are `<prefix>-<run>-<trial>-<rung>` and at
 * most 63 characters: 16 (prefix) + 1 + 32 (run name, AMT's limit) + 1 + 6 (trial number,
 * up to 999,999) + 1 + 6 (rung) = 63.
 */
export const MAX_JOB_NAME_PREFIX_LENGTH = 16;

/** The pattern a job name prefix must match: lowercase, because SageMaker lowercases job names in ARNs. */
export const JOB_NAME_PREFIX_PATTERN = /^[a-z0-9](-*[a-z0-9])*$/;

/** Allowed poll interval (WaitForChange timeout). */
export const MIN_POLL_INTERVAL = Duration.seconds(10);
/** Allowed poll interval (WaitForChange timeout). */
export const MAX_POLL_INTERVAL = Duration.hours(1);

/** Standard workflows run at most one year. */
export const MAX_EXECUTION_TIMEOUT = Duration.days(365);

const STATE_MACHINE_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,80}$/;

function isIntegerInRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** A Duration's value in seconds, or undefined when it is a token. */
function seconds(value: Duration): number | undefined {
  return value.isUnresolved() ? undefined : value.toMilliseconds() / 1000;
}

function describe(d: Duration): string {
  return d.toHumanString();
}

/**
 * The key schema of a table or of one of its indexes, on every aws-cdk-lib of the peer range:
 * `schemaV2` where it exists, else the older `schema` (one partition key, one optional sort key).
 */
function keySchemaOf(table: dynamodb.Table, indexName?: string): dynamodb.KeySchema {
  const anyVersion = table as unknown as {
    schemaV2?: (indexName?: string) => dynamodb.KeySchema;
    schema: (indexName?: string) => { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute };
  };
  if (typeof anyVersion.schemaV2 === 'function') return anyVersion.schemaV2(indexName);
  const { partitionKey, sortKey } = anyVersion.schema(indexName);
  return { partitionKeys: [partitionKey], sortKeys: sortKey ? [sortKey] : [] };
}

/**
 * Validate the key schema of a results table the caller brings, where it can be known at
 * synth time (a `dynamodb.Table` defined in the same app). Imported tables cannot be checked.
 */
function validateResultsTable(table: dynamodb.ITable, errors: string[]): void {
  if (!(table instanceof dynamodb.Table)) return;
  const keyProblem = (where: string, pk: string, sk: string, schema: dynamodb.KeySchema): void => {
    const [p] = schema.partitionKeys;
    const [s] = schema.sortKeys;
    const ok =
      schema.partitionKeys.length === 1 &&
      schema.sortKeys.length === 1 &&
      p.name === pk && p.type === dynamodb.AttributeType.STRING &&
      s.name === sk && s.type === dynamodb.AttributeType.STRING;
    if (!ok) {
      const got = [...schema.partitionKeys.map((a) => `${a.name} (${a.type})`), ...schema.sortKeys.map((a) => `${a.name} (${a.type})`)].join(', ');
      errors.push(`resultsTable: ${where} must have partition key '${pk}' (S) and sort key '${sk}' (S), got ${got || 'none'}`);
    }
  };
  keyProblem('the table', 'pk', 'sk', keySchemaOf(table));
  let gsi: dynamodb.KeySchema | undefined;
  try {
    gsi = keySchemaOf(table, 'gsi1');
  } catch {
    errors.push("resultsTable: the table must have a global secondary index 'gsi1' (gsi1pk S, gsi1sk S), it has none named 'gsi1'");
  }
  if (gsi) keyProblem("index 'gsi1'", 'gsi1pk', 'gsi1sk', gsi);
}

/**
 * Collect every problem in the props.
 *
 * @returns the list of problems (empty when the props are valid)
 */
export function validateTunerProps(props: HyperparameterTunerProps): string[] {
  const errors: string[] = [];

  const prefix = props.jobNamePrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    if (prefix.length < 1 || prefix.length > MAX_JOB_NAME_PREFIX_LENGTH) {
      errors.push(
        `jobNamePrefix must be 1-${MAX_JOB_NAME_PREFIX_LENGTH} characters (so '<prefix>-<run>-<trial>-<rung>' fits SageMaker's 63), got '${prefix}' (${prefix.length} characters)`,
      );
    }
    if (prefix.length > 0 && !JOB_NAME_PREFIX_PATTERN.test(prefix)) {
      errors.push(
        `jobNamePrefix must match ${JOB_NAME_PREFIX_PATTERN.source} (lowercase letters, digits and inner hyphens), got '${prefix}'`,
      );
    }
  }

  if (props.pollInterval !== undefined) {
    const s = seconds(props.pollInterval);
    if (s !== undefined && (!Number.isInteger(s) || s < MIN_POLL_INTERVAL.toSeconds() || s > MAX_POLL_INTERVAL.toSeconds())) {
      errors.push(
        `pollInterval must be a whole number of seconds between ${describe(MIN_POLL_INTERVAL)} and ${describe(MAX_POLL_INTERVAL)}, got ${describe(props.pollInterval)}`,
      );
    }
  }

  if (props.earlyStoppingInterval !== undefined) {
    const s = seconds(props.earlyStoppingInterval);
    const poll = props.pollInterval === undefined ? Duration.minutes(5).toSeconds() : (seconds(props.pollInterval) ?? MAX_POLL_INTERVAL.toSeconds());
    if (s !== undefined && (!Number.isInteger(s) || s < MIN_POLL_INTERVAL.toSeconds() || s > poll)) {
      errors.push(
        `earlyStoppingInterval must be a whole number of seconds between ${describe(MIN_POLL_INTERVAL)} and the pollInterval (${poll} seconds), got ${describe(props.earlyStoppingInterval)}`,
      );
    }
  }

  const ticks = props.ticksBeforeContinueAsNew;
  if (ticks !== undefined && !Token.isUnresolved(ticks) && !isIntegerInRange(ticks, 1, MAX_TICKS_BEFORE_CONTINUE_AS_NEW)) {
    errors.push(
      `ticksBeforeContinueAsNew must be an integer between 1 and ${MAX_TICKS_BEFORE_CONTINUE_AS_NEW} (the 25,000-event history limit), got ${ticks}`,
    );
  }

  if (props.executionTimeout !== undefined) {
    const s = seconds(props.executionTimeout);
    if (s !== undefined && (!Number.isInteger(s) || s < 1 || s > MAX_EXECUTION_TIMEOUT.toSeconds())) {
      errors.push(
        `executionTimeout must be a whole number of seconds between 1 second and ${describe(MAX_EXECUTION_TIMEOUT)}, got ${describe(props.executionTimeout)}`,
      );
    }
  }

  if (props.checkpointRetention !== undefined && !props.checkpointRetention.isUnresolved()) {
    const days = props.checkpointRetention.toMilliseconds() / 86_400_000;
    if (!Number.isInteger(days) || days < 1) {
      errors.push(`checkpointRetention must be a whole number of days, at least 1 day, got ${describe(props.checkpointRetention)}`);
    }
  }

  const name = props.stateMachineName;
  if (name !== undefined && !Token.isUnresolved(name) && !STATE_MACHINE_NAME_PATTERN.test(name)) {
    errors.push(`stateMachineName must be 1-80 characters of letters, digits, '-' and '_', got '${name}'`);
  }

  if (props.trainingRoles !== undefined && props.trainingRoles.length === 0) {
    errors.push('trainingRoles must list at least one role when given, got an empty list (omit it to let the construct create one)');
  }

  if (props.vpcSubnets !== undefined && props.vpc === undefined) {
    errors.push('vpcSubnets requires vpc: pass either both or neither');
  }

  if (props.bucket !== undefined && props.checkpointRetention !== undefined) {
    errors.push('either bucket or checkpointRetention, not both: checkpointRetention is a lifecycle rule of the bucket the construct creates');
  }
  if (props.bucket !== undefined && props.serverAccessLogsBucket !== undefined) {
    errors.push('either bucket or serverAccessLogsBucket, not both: access logging is configured on the bucket the construct creates');
  }

  if (props.dashboardName !== undefined && props.dashboard !== true) {
    errors.push('dashboardName requires dashboard: true (it names the dashboard the construct creates), got dashboard ' + String(props.dashboard ?? false));
  }
  if (props.dashboardName !== undefined && !Token.isUnresolved(props.dashboardName) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.dashboardName)) {
    errors.push(`dashboardName must be 1-255 characters of A-Z, a-z, 0-9, '-' and '_', got '${props.dashboardName}'`);
  }
  if (props.alarms === false && props.alarmActions !== undefined && props.alarmActions.length > 0) {
    errors.push('either alarms: false or alarmActions, not both: alarmActions are the actions of the alarms the construct creates');
  }

  if (props.resultsTable !== undefined) validateResultsTable(props.resultsTable, errors);

  return errors;
}
