/** The local SageMaker emulator (training jobs) and its HTTP server. */
export { startSageMakerEmulator, handleHttp } from './server';
export type { RunningSageMakerEmulator, StartSageMakerEmulatorOptions } from './server';
export { SageMakerEmulator, SAGEMAKER_MODEL } from './emulator';
export type { S3Authorizer, SageMakerEmulatorOptions } from './emulator';
export { FaultInjector, seededRandom } from './faults';
export type { EventFaultRule, NameMatcher } from './faults';
export { validateAgainstShape, formatValidationMessage, javaToString, ShapeTypeError } from './model-validate';
export { compileModelPattern, javaPatternToJsSource } from '../../core/metrics/java-regex';
export {
  resolveFromHyperParameters,
  hyperParameterArgs,
  userHyperParameters,
  decodeHyperParameter,
  s3UriToLocalPath,
  scriptModeEnv,
  jobDirs,
} from './script-mode';
export type { CommandResolver, ResolvedCommand, ResolveContext, DecodedValue, JobDirs } from './script-mode';
export { TRAINING_JOB_STATE_CHANGE } from './events';
export type { TrainingJobStateChangeDetail, TrainingJobStateChangeEvent } from './events';
export { ServiceError } from './protocol';
export type { ServiceErrorCode } from './protocol';
export type { ApiModelSubset } from './model/types';
