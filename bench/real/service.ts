/**
 * Training for the benchmark loop, in-process: the same model code `train.ts` runs (the
 * problem's `ModelDefinition`: `create`, `trainEpoch`, `evaluate`), without the checkpoint
 * files.
 *
 * How it stands in for the script: a trial's jobs under this tuner resume from the checkpoint
 * of the trial's last job. Training is deterministic given (configuration, seed) and a resumed
 * job trains exactly what an uninterrupted job would (test/bench/training.test.ts checks both
 * for every model), so the metrics at epoch r of a configuration do not depend on how many
 * jobs got it there. The service therefore keeps, per (problem, configuration, seed), the
 * validation metrics of every epoch trained so far and one live trainer at the latest epoch,
 * and only trains epochs it has never trained. That is also what lets different strategies of
 * the same seed, which often propose the same configurations, share work; it changes no
 * number the tuners see. The budget is counted by the caller in epochs the jobs would train.
 *
 * Test accuracy (never seen by a tuner) is evaluated on demand for the models a tuner reports:
 * from the live trainer when it is at that epoch, otherwise by training that configuration again
 * from scratch to that epoch.
 */
import type { EpochMetrics, HyperParameterValues, Trainer } from '../training/job';
import type { RealProblem } from './problems';

interface Entry {
  readonly problem: RealProblem;
  readonly hp: HyperParameterValues;
  /** metrics[e - 1] is epoch e. */
  readonly metrics: EpochMetrics[];
  readonly tests: Map<number, number>;
  live?: Trainer;
  lastUse: number;
}

/** Counts of the work done, for the report. */
export interface ServiceStats {
  /** Epochs actually computed (each at most once per configuration unless a live trainer was dropped). */
  epochsComputed: number;
  /** Epochs answered from the cache. */
  epochsCached: number;
  /** Test-set evaluations. */
  testEvaluations: number;
}

/** Canonical key of a configuration: its hyperparameters (seed included, epochs excluded) in name order. */
export function configKey(problemId: string, hp: HyperParameterValues): string {
  const parts = Object.keys(hp)
    .filter((k) => k !== 'epochs')
    .sort()
    .map((k) => `${k}=${hp[k]}`);
  return `${problemId}|${parts.join(',')}`;
}

/** The in-process training service (see the module comment). */
export class TrainingService {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;
  readonly stats: ServiceStats = { epochsComputed: 0, epochsCached: 0, testEvaluations: 0 };

  /** @param maxLive - live trainers kept at most (least recently used are dropped; their metrics stay) */
  constructor(private readonly maxLive = 400) {}

  private entry(problem: RealProblem, hp: HyperParameterValues): Entry {
    const key = configKey(problem.id, hp);
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { problem, hp: { ...hp, epochs: problem.fidelity.maxResource }, metrics: [], tests: new Map(), lastUse: 0 };
      this.entries.set(key, e);
    }
    e.lastUse = ++this.clock;
    return e;
  }

  private evictLive(): void {
    const live = [...this.entries.values()].filter((e) => e.live !== undefined);
    if (live.length <= this.maxLive) return;
    live.sort((a, b) => a.lastUse - b.lastUse);
    for (const e of live.slice(0, live.length - this.maxLive)) e.live = undefined;
  }

  /**
   * Validation metrics of `hp` at epoch `epochs` (trained as needed).
   *
   * @param hp - typed hyperparameters with `seed` (and any static ones); `epochs` is ignored
   */
  metricsAt(problem: RealProblem, hp: HyperParameterValues, epochs: number): EpochMetrics {
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`epochs must be a positive integer, got ${epochs}`);
    const e = this.entry(problem, hp);
    if (e.metrics.length >= epochs) {
      this.stats.epochsCached += 1;
      return e.metrics[epochs - 1] as EpochMetrics;
    }
    if (e.live === undefined || e.live.epoch !== e.metrics.length) {
      // Metrics are known up to e.metrics.length but the trainer that got there was dropped:
      // train again from scratch (the same numbers come out).
      e.live = problem.model.create(e.hp);
      while (e.live.epoch < e.metrics.length) {
        e.live.trainEpoch();
        this.stats.epochsComputed += 1;
      }
    }
    while (e.live.epoch < epochs) {
      const train_loss = e.live.trainEpoch();
      this.stats.epochsComputed += 1;
      e.metrics.push({ epoch: e.live.epoch, train_loss, ...e.live.evaluate(false) });
    }
    this.evictLive();
    return e.metrics[epochs - 1] as EpochMetrics;
  }

  /** Test accuracy of the model of `hp` trained to `epochs` (see the module comment). */
  testAccuracyAt(problem: RealProblem, hp: HyperParameterValues, epochs: number): number {
    const e = this.entry(problem, hp);
    const known = e.tests.get(epochs);
    if (known !== undefined) return known;
    let trainer: Trainer;
    if (e.live !== undefined && e.live.epoch === epochs) trainer = e.live;
    else {
      this.metricsAt(problem, hp, epochs);
      if (e.live !== undefined && e.live.epoch === epochs) trainer = e.live;
      else {
        trainer = problem.model.create(e.hp);
        while (trainer.epoch < epochs) {
          trainer.trainEpoch();
          this.stats.epochsComputed += 1;
        }
      }
    }
    const value = trainer.evaluate(true).test_accuracy as number;
    this.stats.testEvaluations += 1;
    e.tests.set(epochs, value);
    return value;
  }

  /** Forgets everything (between groups of runs that share no configurations). */
  clear(): void {
    this.entries.clear();
  }
}
