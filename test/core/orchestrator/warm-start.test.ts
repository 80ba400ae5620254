/** AMT's WarmStartConfig: a parent run's results seed the sampler of a new run. */
import { InMemoryRunStore } from '../../../lambda/adapters/local/in-memory-run-store';
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import type { TuningInput } from '../../../core/input';
import { createWorld, runToEnd } from '../../helpers/simulated-world';
import { tuningInput, type InputOptions } from '../../helpers/inputs';

/** Accuracy peaks at lr = 0.01 (log scale); layers and optimizer barely matter. */
const objective: Objective = (hp) => ({
  kind: 'completed',
  metrics: { accuracy: Math.exp(-((Math.log10(Number(hp.lr)) + 2) ** 2)) },
  seconds: 10,
});

function input(options: InputOptions, parents?: string[]): TuningInput {
  const raw = tuningInput({ strategy: 'Bayesian', maxParallel: 1, ...options }) as unknown as Record<string, unknown>;
  if (parents !== undefined) {
    raw.WarmStartConfig = {
      ParentHyperParameterTuningJobs: parents.map((p) => ({ HyperParameterTuningJobName: p })),
      WarmStartType: 'IdenticalDataAndAlgorithm',
    };
  }
  return raw as unknown as TuningInput;
}

async function firstLearningRates(store: InMemoryRunStore, runId: string, n: number): Promise<number[]> {
  return (await store.listTrials(runId)).slice(0, n).map((t) => Number(t.hyperParameters.lr));
}

describe('warm start', () => {
  it("uses the parent's results from the first trial on (TPE is past its random start-up)", async () => {
    // Prepare: a parent with 20 finished trials in the same store
    const store = new InMemoryRunStore();
    const parent = await createWorld(input({ name: 'parent', strategy: 'Random', maxJobs: 20, seed: 3 }), objective, { store });
    await runToEnd(parent);
    // Act: the same child twice, with and without the parent
    const warm = await createWorld(input({ name: 'child-warm', maxJobs: 5, seed: 11, sampler: 'TPE' }, ['parent']), objective, { store });
    await runToEnd(warm);
    const cold = await createWorld(input({ name: 'child-cold', maxJobs: 5, seed: 11, sampler: 'TPE' }), objective, { store });
    await runToEnd(cold);
    // Assess: without the parent TPE samples at random (start-up); with it, it proposes near lr = 0.01
    const distance = (lrs: number[]) => lrs.reduce((sum, lr) => sum + Math.abs(Math.log10(lr) + 2), 0) / lrs.length;
    const warmLrs = await firstLearningRates(store, 'child-warm', 5);
    const coldLrs = await firstLearningRates(store, 'child-cold', 5);
    expect(warmLrs).not.toEqual(coldLrs);
    expect(distance(warmLrs)).toBeLessThan(0.5);
    expect(distance(warmLrs)).toBeLessThan(distance(coldLrs));
  });

  it("seeds the GP (Bayesian's default) too: from the first trial on it proposes nearer the parent's optimum", async () => {
    const store = new InMemoryRunStore();
    const parent = await createWorld(input({ name: 'parent', strategy: 'Random', maxJobs: 20, seed: 3 }), objective, { store });
    await runToEnd(parent);
    const warm = await createWorld(input({ name: 'child-warm', maxJobs: 5, seed: 11 }, ['parent']), objective, { store });
    await runToEnd(warm);
    const cold = await createWorld(input({ name: 'child-cold', maxJobs: 5, seed: 11 }), objective, { store });
    await runToEnd(cold);
    const distance = (lrs: number[]) => lrs.reduce((sum, lr) => sum + Math.abs(Math.log10(lr) + 2), 0) / lrs.length;
    expect(distance(await firstLearningRates(store, 'child-warm', 5))).toBeLessThan(0.75 * distance(await firstLearningRates(store, 'child-cold', 5))); // recorded: 0.64 vs 1.11
  });

  it('refuses a parent that does not exist, before anything starts', async () => {
    await expect(createWorld(input({ name: 'orphan', maxJobs: 5 }, ['nope', 'orphan']), objective)).rejects.toThrow(
      "$.WarmStartConfig.ParentHyperParameterTuningJobs: no earlier run named 'nope', 'orphan' in this tuner's results; a parent must be a finished or running run of the same tuner (not the run itself)",
    );
  });
});
