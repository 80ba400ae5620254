/**
 * The tuner's real IAM, as the twin will see it: the `HyperparameterTuner` construct
 * synthesized (bundling skipped), every resource given a placeholder ARN, each function's
 * role policies read back with `policiesFromTemplate` and `resolveTokensForLocal`.
 */
import { resolveTokensForLocal } from '../../../lib/private/definition';
import { policiesFromTemplate, type CfnTemplate, type Principal, type RolePolicies } from '../../../local/iam';
import { FUNCTION_IDS, makeTuner, roleOf, type Handler } from '../../construct/helpers';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const JOB_PREFIX = 'hpo';
/** The same ARN as the Step Functions test fixtures' tuner machine. */
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:HpoTuner`;
export const TABLE_NAME = 'HpoResults';
export const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE_NAME}`;
export const BUCKET = 'hpo-bucket';

/** What the tests need of the synthesized tuner. */
export interface TunerIam {
  readonly template: CfnTemplate;
  readonly roles: ReadonlyMap<string, RolePolicies>;
  /** One principal per handler, named after it, with its role's policies. */
  readonly principals: Readonly<Record<Handler, Principal>>;
  readonly trainingRoleArn: string;
  /** Placeholder ARN by logical id (what the lead's twin passes to resolveTokensForLocal). */
  readonly arns: Readonly<Record<string, string>>;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A placeholder ARN for each resource the policies can name. */
function placeholderArns(resources: Resources): Record<string, string> {
  const arns: Record<string, string> = {};
  for (const [id, r] of Object.entries(resources)) {
    switch (r.Type) {
      case 'AWS::IAM::Role':
        arns[id] = `arn:aws:iam::${ACCOUNT}:role/${id}`;
        break;
      case 'AWS::DynamoDB::Table':
        arns[id] = TABLE_ARN;
        break;
      case 'AWS::S3::Bucket':
        arns[id] = `arn:aws:s3:::${BUCKET}`;
        break;
      case 'AWS::StepFunctions::StateMachine':
        arns[id] = STATE_MACHINE_ARN;
        break;
      case 'AWS::Logs::LogGroup':
        arns[id] = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;
        break;
      case 'AWS::Lambda::Function':
        arns[id] = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${id}`;
        break;
      case 'AWS::SQS::Queue':
        arns[id] = `arn:aws:sqs:${REGION}:${ACCOUNT}:${id}`;
        break;
      default:
        break;
    }
  }
  return arns;
}

/** The timeout of the hook that synthesizes the tuner. */
export const SYNTH_TIMEOUT_MS = 120_000;

let cached: TunerIam | undefined;

/** Synthesizes the tuner once per test file (a few seconds). */
export function tunerIam(): TunerIam {
  if (cached) return cached;
  const f = makeTuner({ jobNamePrefix: JOB_PREFIX });
  const template = f.template.toJSON() as CfnTemplate;
  const arns = placeholderArns(template.Resources as Resources);
  const roles = policiesFromTemplate(template, (v) => resolveTokensForLocal(v, arns));
  const principals = Object.fromEntries(
    (Object.keys(FUNCTION_IDS) as Handler[]).map((handler) => {
      const roleId = roleOf(f, handler);
      return [handler, { name: handler, roleArn: arns[roleId], policies: roles.get(roleId)!.policies }];
    }),
  ) as Record<Handler, Principal>;
  const trainingRoleId = Object.keys(template.Resources ?? {}).find((id) => id.startsWith('TunerTrainingRole') && template.Resources![id].Type === 'AWS::IAM::Role')!;
  cached = { template, roles, principals, trainingRoleArn: arns[trainingRoleId], arns };
  return cached;
}

/** A training job ARN of this account. */
export const jobArn = (name: string): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${name}`;

/** The error a call fails with; fails the test if the call succeeds. */
export function errorOf(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; $fault?: string }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Error,
  );
}
