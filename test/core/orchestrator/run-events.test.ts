/** The run-level status event's detail, built from the run record (pure, no AWS). */
import { toTuningSpec } from '../../../core/input';
import { PermissionDenied, RequestRejected, TransientError } from '../../../core/orchestrator/errors';
import type { RunOutcome } from '../../../core/orchestrator/finalize';
import type { RunRecord } from '../../../core/orchestrator/records';
import {
  eventStatusOf,
  finalizedRunDetail,
  publishRunStatus,
  runMetricName,
  runStatusDetail,
  trainingJobMetricName,
  type RunStatusChangeDetail,
} from '../../../core/orchestrator/run-events';
import { tuningInput } from '../../helpers/inputs';

const input = tuningInput({ name: 'run-1', strategy: 'Hyperband', maxJobs: 20 });
const started: RunRecord = {
  runId: 'run-1',
  status: 'Running',
  input: input as unknown as Record<string, unknown>,
  spec: toTuningSpec(input),
  seed: 7,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Tuner:run-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  counters: { jobsStarted: 0, jobsCompleted: 0, jobsFailed: 0, jobsStopped: 0, billableSeconds: 0 },
  jobsSinceImprovement: 0,
  version: 0,
  tickSeq: 0,
};
const ended: RunRecord = {
  ...started,
  status: 'Stopped',
  statusReason: 'execution aborted',
  endedAt: '2026-01-01T01:00:00.000Z',
  counters: { jobsStarted: 9, jobsCompleted: 5, jobsFailed: 1, jobsStopped: 1, billableSeconds: 600 },
  best: { trialId: 3, jobName: 'hpo-run-1-0003-r9', milestone: 9, objective: 0.91, hyperParameters: { lr: '0.1' } },
};

describe('runStatusDetail', () => {
  it('a started run: Running, no reason, no best, nothing counted yet', () => {
    expect(runStatusDetail('hpo-abc', started)).toEqual({
      tuner: 'hpo-abc',
      runId: 'run-1',
      status: 'Running',
      executionArn: started.executionArn,
      strategy: 'Hyperband',
      objective: { type: 'Maximize', metricName: 'accuracy' },
      trainingJobs: { started: 0, completed: 0, failed: 0, stopped: 0, inProgress: 0, maxTrainingJobs: 20 },
      startedAt: started.createdAt,
    });
  });

  it('an ended run: its status, reason, end, best job and counts (in progress = started - finished)', () => {
    expect(runStatusDetail('hpo-abc', ended)).toMatchObject({
      status: 'Stopped',
      reason: 'execution aborted',
      endedAt: ended.endedAt,
      bestTrainingJob: { trainingJobName: 'hpo-run-1-0003-r9', trialId: 3, resource: 9, objectiveValue: 0.91 },
      trainingJobs: { started: 9, completed: 5, failed: 1, stopped: 1, inProgress: 2, maxTrainingJobs: 20 },
    });
  });

  it('a stopping run is still running, and says no reason yet', () => {
    const detail = runStatusDetail('hpo-abc', { ...ended, status: 'Stopping', endedAt: undefined });
    expect(detail.status).toBe('Running');
    expect(detail.reason).toBeUndefined();
    expect(eventStatusOf('Stopping')).toBe('Running');
  });

  it('survives a JSON round trip unchanged (the event carries it as JSON)', () => {
    const detail = runStatusDetail('hpo-abc', ended);
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
  });
});

describe('finalizedRunDetail', () => {
  it('takes the status and the counts from Finalize\'s outcome (the jobs as counted at the end)', () => {
    const outcome: RunOutcome = {
      HyperParameterTuningJobName: 'run-1',
      HyperParameterTuningJobStatus: 'Completed',
      StatusReason: 'MaxNumberOfTrainingJobs reached',
      TrainingJobStatusCounters: { Completed: 18, InProgress: 0, Stopped: 1, Failed: 1 },
      TrainingJobsStarted: 20,
      BillableTimeInSeconds: 1000,
      WarmPoolsReleased: 0,
    };
    const detail = finalizedRunDetail('hpo-abc', { ...ended, status: 'Completed', statusReason: 'MaxNumberOfTrainingJobs reached' }, outcome);
    expect(detail).toMatchObject({
      status: 'Completed',
      reason: 'MaxNumberOfTrainingJobs reached',
      trainingJobs: { started: 20, completed: 18, failed: 1, stopped: 1, inProgress: 0, maxTrainingJobs: 20 },
    });
  });
});

describe('publishRunStatus', () => {
  const detail = runStatusDetail('hpo-abc', started);
  const failing = (error: unknown) => ({ publish: () => Promise.reject(error) });

  it('reports published', async () => {
    const sent: RunStatusChangeDetail[] = [];
    await expect(publishRunStatus({ publish: async (d) => void sent.push(d) }, detail)).resolves.toEqual({ kind: 'published' });
    expect(sent).toEqual([detail]);
  });

  it.each([
    ['retry', new TransientError('events:PutEvents failed after the SDK\'s retries')],
    ['denied', new PermissionDenied('events:PutEvents was denied', 'events:PutEvents', 'events:PutEvents')],
    ['invalid', new RequestRejected('events:PutEvents was rejected', 'events:PutEvents')],
    ['unexpected', new Error('boom')],
  ])('never throws: classifies the error as %s', async (errorClass, error) => {
    await expect(publishRunStatus(failing(error), detail)).resolves.toEqual({ kind: 'failed', errorClass, message: error.message });
  });
});

describe('metric names', () => {
  it('one metric per event status and per terminal job status', () => {
    expect(['Running', 'Completed', 'Failed', 'Stopped'].map((s) => runMetricName(s as never))).toEqual(['RunsStarted', 'RunsCompleted', 'RunsFailed', 'RunsStopped']);
    expect(['Completed', 'Failed', 'Stopped', 'InProgress'].map(trainingJobMetricName)).toEqual(['TrainingJobsCompleted', 'TrainingJobsFailed', 'TrainingJobsStopped', undefined]);
  });
});
