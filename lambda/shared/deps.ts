/**
 * What a handler may be given. Each handler builds only the adapters it uses
 * (lambda/shared/clients/: one module per AWS service), so its bundle contains only the SDK
 * clients it calls; `lambda/shared/config.ts` holds the deployment's settings.
 */
import type { OrchestratorDeps } from '../../core/orchestrator/tick';
import type { TaskWaker } from '../../core/orchestrator/waker';
import type { DeploymentConfig } from './config';

export interface HandlerDeps extends OrchestratorDeps, DeploymentConfig {
  readonly waker: TaskWaker;
}
