/** Init: create the run record and the scheduler's initial state. */
import { createScheduler } from '../schedulers';
import type { TuningSpec } from '../ports';
import { InvalidTuningInput, RunAlreadyExists } from './errors';
import type { RunRecord, RunStore } from './records';

export interface InitRequest {
  readonly input: Readonly<Record<string, unknown>>;
  readonly spec: TuningSpec;
  readonly executionArn: string;
  /** Used when the input has no `RandomSeed` (the handler draws it from a CSPRNG). */
  readonly fallbackSeed: number;
  readonly now: Date;
}

export interface InitResult {
  readonly runId: string;
  readonly seed: number;
  readonly version: number;
  /** The run record (created now, or by an earlier attempt of the same execution). */
  readonly run: RunRecord;
}

/**
 * Create the run. Idempotent for the same execution (a retried Lambda invocation);
 * `RunAlreadyExists` for a run name another execution already used.
 */
export async function initRun(store: RunStore, request: InitRequest): Promise<InitResult> {
  const { spec } = request;
  const missing: string[] = [];
  for (const parent of spec.warmStartParents ?? []) {
    if (parent === spec.runName || (await store.getRun(parent)) === undefined) missing.push(parent);
  }
  if (missing.length > 0) {
    throw new InvalidTuningInput(
      `$.WarmStartConfig.ParentHyperParameterTuningJobs: no earlier run named ${missing.map((m) => `'${m}'`).join(', ')} in this tuner's results; ` +
        'a parent must be a finished or running run of the same tuner (not the run itself)',
    );
  }
  const seed = spec.seed ?? request.fallbackSeed;
  const iso = request.now.toISOString();
  const run: RunRecord = {
    runId: spec.runName,
    status: 'Running',
    input: request.input,
    spec,
    seed,
    executionArn: request.executionArn,
    createdAt: iso,
    updatedAt: iso,
    counters: { jobsStarted: 0, jobsCompleted: 0, jobsFailed: 0, jobsStopped: 0, billableSeconds: 0 },
    jobsSinceImprovement: 0,
    version: 0,
    tickSeq: 0,
    activeJobs: [],
    resultCount: 0,
    failureTally: { succeeded: 0, failed: 0, reasons: [] },
  };
  try {
    await store.createRun(run, createScheduler(spec.scheduler.kind).init(spec.scheduler));
  } catch (error) {
    if (!(error instanceof RunAlreadyExists)) throw error;
    const existing = await store.getRun(spec.runName);
    if (existing?.executionArn !== request.executionArn) throw error;
    return { runId: existing.runId, seed: existing.seed, version: existing.version, run: existing };
  }
  return { runId: run.runId, seed, version: 0, run };
}
