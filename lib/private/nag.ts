/**
 * Acknowledging cdk-nag findings that follow from the tuner's design.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin and honours acknowledgements recorded
 * with the core API `Validations.of(scope).acknowledge({ id, reason })` on the resource or
 * any ancestor. IAM5 findings are per wildcard: `AwsSolutions-IAM5[Resource::<flattened>]`
 * or `AwsSolutions-IAM5[Action::<action>]`, where intrinsics are flattened as
 * `<LogicalId.Attr>` (Fn::GetAtt) and `<Name>` (Ref), and Fn::Join is concatenated. The
 * construct computes those IDs from the ARNs it grants, so that they stay right when
 * construct paths (and so logical IDs) change. No dependency on cdk-nag itself.
 *
 * aws-cdk-lib before 2.269.0 cannot record these acknowledgements (no `Validations`, or rule IDs
 * with `::` rejected). There the same acknowledgements go where cdk-nag 2 reads them: the
 * `cdk_nag` metadata (`rules_to_suppress`) of every CloudFormation resource under the scope,
 * as its `NagSuppressions.addResourceSuppressions(scope, ..., true)` writes them.
 *
 * {@link acknowledgeInherentFindings} records the tuner's own acknowledgements.
 */
import * as cdk from 'aws-cdk-lib';
import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { HandlerName } from './definition';
import type { TunerFunctions } from './functions';
import { trainingJobArn, trainingLogGroupArn } from './iam';

type Resolved = string | number | boolean | null | undefined | Resolved[] | { [key: string]: Resolved };

/** Flatten a resolved CloudFormation value the way cdk-nag names IAM5 findings. */
function flatten(node: Resolved): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return JSON.stringify(node);
  if ('Fn::Join' in node) {
    const [delimiter, items] = node['Fn::Join'] as [string, Resolved[]];
    return items.map(flatten).join(delimiter);
  }
  if ('Fn::Sub' in node) return flatten(node['Fn::Sub']);
  if ('Fn::GetAtt' in node) {
    const [resource, attribute] = node['Fn::GetAtt'] as [Resolved, Resolved];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if ('Fn::ImportValue' in node) return flatten(node['Fn::ImportValue']);
  if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(node);
}

/** The cdk-nag IAM5 finding ID for a wildcard resource (a string that may contain tokens). */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource) as Resolved)}]`;
}

/** The cdk-nag IAM5 finding ID for a wildcard action. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** Acknowledge findings (rule IDs) on a construct and its children, with one reason each. */
export function acknowledge(scope: IConstruct, findings: Readonly<Record<string, string>>): void {
  if (Object.keys(findings).length === 0) return;
  if (acknowledgesQualifiedRules()) {
    for (const [id, reason] of Object.entries(findings)) cdk.Validations.of(scope).acknowledge({ id, reason });
  } else {
    suppressForCdkNag2(scope, findings);
  }
}

/** One entry of cdk-nag 2's `rules_to_suppress`. */
interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
}

/** The metadata key cdk-nag 2 reads suppressions from. */
export const CDK_NAG_METADATA_KEY = 'cdk_nag';

/**
 * Whether this aws-cdk-lib records acknowledgements of rule IDs such as
 * `AwsSolutions-IAM5[Resource::...]`: 2.269.0 and later.
 */
function acknowledgesQualifiedRules(): boolean {
  if ((cdk as { Validations?: unknown }).Validations === undefined) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('aws-cdk-lib/package.json') as { version: string };
  const [major, minor] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 269);
}

/** cdk-nag 2's form: `AwsSolutions-IAM5[Resource::x]` is rule `AwsSolutions-IAM5` applied to `Resource::x`. */
function suppressForCdkNag2(scope: IConstruct, findings: Readonly<Record<string, string>>): void {
  const suppressions: NagSuppression[] = Object.entries(findings).map(([id, reason]) => {
    const finding = /^([^[]+)\[(.+)\]$/.exec(id);
    return finding ? { id: finding[1], reason, applies_to: [finding[2]] } : { id, reason };
  });
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const existing = (child.getMetadata(CDK_NAG_METADATA_KEY) as { rules_to_suppress?: NagSuppression[] } | undefined)?.rules_to_suppress ?? [];
    child.addMetadata(CDK_NAG_METADATA_KEY, { rules_to_suppress: [...existing, ...suppressions] });
  }
}

/** The functions the state machine invokes (the L2 Lambda task grants them with `<arn>:*`). */
const INVOKED_BY_STATE_MACHINE: readonly HandlerName[] = ['validate', 'init', 'tick', 'wait-for-change', 'finalize'];
/** The functions with a grant on the results table (and so its index). */
const WITH_TABLE_ACCESS: readonly HandlerName[] = ['init', 'tick', 'wait-for-change', 'finalize', 'on-training-event', 'on-execution-end'];
/** The functions with a grant on the tuner's training jobs. */
const WITH_TRAINING_JOB_ACCESS: readonly HandlerName[] = ['tick', 'finalize', 'on-training-event', 'on-execution-end'];
/** The function that reads the training jobs' logs (early stopping). */
const READS_TRAINING_LOGS: HandlerName = 'tick';

/** What the tuner made, and the choices that decide which findings follow from the design. */
export interface InherentFindings {
  readonly functions: TunerFunctions;
  readonly stateMachine: sfn.StateMachine;
  readonly resultsTable: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  /** The training role the construct created, if it did. */
  readonly trainingRole?: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  readonly jobNamePrefix: string;
  readonly tracing: boolean;
  readonly inVpc: boolean;
  readonly stateMachineLogLevel: sfn.LogLevel;
}

/**
 * Acknowledge the cdk-nag findings that follow from the design, each with its reason, so
 * that users of the construct only see findings about their own choices (for example
 * AwsSolutions-S1, server access logs).
 */
export function acknowledgeInherentFindings(scope: Construct, f: InherentFindings): void {
  const indexFinding = wildcardResourceFinding(scope, `${f.resultsTable.tableArn}/index/*`);
  const trainingJobFinding = wildcardResourceFinding(scope, trainingJobArn(scope, f.jobNamePrefix));
  const star = wildcardResourceFinding(scope, '*');
  for (const [name, handler] of Object.entries(f.functions) as Array<[HandlerName, TunerFunctions[HandlerName]]>) {
    acknowledge(handler, {
      'AwsSolutions-L1': 'The design pins the Lambda runtime to Node.js 22 (NODEJS_22_X): it is the version the handlers, their pinned AWS SDK and the local twin are tested with.',
    });
    const findings: Record<string, string> = {};
    const starReasons: string[] = [];
    if (f.tracing) starReasons.push('X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions');
    if (starReasons.length > 0) findings[star] = `Resource '*' only where IAM requires it: ${starReasons.join('; ')}.`;
    if (WITH_TABLE_ACCESS.includes(name)) {
      findings[indexFinding] = 'The handler queries the results table\'s index gsi1 (per-run leaderboard, run listing); the L2 table grant covers the table\'s indexes with index/*.';
    }
    if (WITH_TRAINING_JOB_ACCESS.includes(name)) {
      findings[trainingJobFinding] = `Training job names are generated at run time; access is scoped to the tuner's own job-name prefix '${f.jobNamePrefix}-'.`;
    }
    if (name === READS_TRAINING_LOGS) {
      findings[wildcardResourceFinding(scope, `${trainingLogGroupArn(scope)}:*`)] =
        'Early stopping reads what running training jobs print (logs:FilterLogEvents); AWS authorizes it on <log-group>:log-stream:, which only <log-group>:* covers. Scoped to the /aws/sagemaker/TrainingJobs group.';
    }
    if (f.inVpc) {
      findings['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]'] =
        'Lambda functions in a VPC need the network-interface permissions of the AWS managed AWSLambdaVPCAccessExecutionRole.';
    }
    // The role is a sibling of the function (created by the construct), not its child.
    if (handler.role) acknowledge(handler.role, findings);
  }

  const stateMachineFindings: Record<string, string> = {
    [star]: 'CloudWatch Logs delivery (logs:CreateLogDelivery and related) and X-Ray tracing actions support no resource-level permissions.',
  };
  for (const name of INVOKED_BY_STATE_MACHINE) {
    stateMachineFindings[wildcardResourceFinding(scope, `${f.functions[name].functionArn}:*`)] =
      'The L2 Lambda task grants lambda:InvokeFunction on the function and its versions/aliases (<arn>:*).';
  }
  if (f.stateMachineLogLevel !== sfn.LogLevel.ALL) {
    stateMachineFindings['AwsSolutions-SF1'] =
      'The state machine logs errors only by default (stateMachineLogLevel): every event with execution data would put WaitForChange task tokens and tuning inputs (TrainingJobDefinition.Environment) into CloudWatch Logs. Every run, trial and training job is recorded in the results table instead.';
  }
  acknowledge(f.stateMachine, stateMachineFindings);

  if (f.trainingRole) {
    const s3Reason = 'Training jobs read input data and read/write checkpoints and outputs anywhere in the tuner\'s own bucket (L2 bucket.grantReadWrite).';
    acknowledge(f.trainingRole, {
      ...Object.fromEntries(['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((a) => [wildcardActionFinding(a), s3Reason])),
      [wildcardResourceFinding(scope, f.bucket.arnForObjects('*'))]: s3Reason,
      [wildcardResourceFinding(scope, `${trainingLogGroupArn(scope)}:log-stream:*`)]: 'SageMaker writes one log stream per training job instance to /aws/sagemaker/TrainingJobs; stream names are generated.',
      [star]: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData support no resource-level permissions (PutMetricData is limited to /aws/sagemaker/* namespaces by condition); training images come from repositories named in the tuning input, including AWS-owned framework image accounts, so ECR pulls cannot be scoped at deploy time. Pass your own trainingRoles to narrow this.',
    });
  }

  acknowledge(f.deadLetterQueue, {
    'AwsSolutions-SQS3': 'This queue is itself the dead-letter queue of the EventBridge targets and the event handlers\' asynchronous invocations.',
  });
}
