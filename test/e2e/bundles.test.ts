/**
 * The deployed Lambda bundles (from the cloud assembly, as the twin runs them) keep the error
 * names the state machine matches: Step Functions catches and retries by `error.name`, which
 * the Lambda runtime reports as `errorType`. A minifier that renames classes breaks every
 * Catch and Retry of the tuner silently; these tests fail if it comes back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_OPTIONS } from '../../lib/private/lambda-bundles';
import { LambdaFunctionError } from '../../local/lambda/runtime';
import { LocalTwin } from '../../local/twin';
import type { SynthesizedTuner } from '../../local/synth';
import { tuningInput } from '../helpers/inputs';

let workDir: string;
let twin: LocalTwin;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-bundles-'));
  twin = await LocalTwin.start({ workDir });
}, 120_000);

afterAll(async () => {
  await twin?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function errorOf(handler: Parameters<LocalTwin['functions']['get']>[0], event: unknown): Promise<LambdaFunctionError> {
  const fn = twin.functions.get(handler);
  if (fn === undefined) throw new Error(`no function ${handler}`);
  const error = await fn.invoke(event).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LambdaFunctionError)) throw new Error(`${handler} did not fail as a function: ${String(error)}`);
  return error;
}

describe('the bundles the construct deploys', () => {
  it('are minified with names kept', () => {
    expect(BUNDLE_OPTIONS).toMatchObject({ minify: true, keepNames: true, bundle: true, target: 'node22' });
  });

  it('Validate reports InvalidTuningInput for an invalid input', async () => {
    const error = await errorOf('validate', {});
    expect(error.errorType).toBe('InvalidTuningInput');
    expect(error.errorMessage).toContain('$.HyperParameterTuningJobName: missing required field');
  });

  it('Init reports RunAlreadyExists for a run name another execution owns', async () => {
    const input = tuningInput({ name: 'bundle-twice', roleArn: null });
    const init = twin.functions.get('init');
    await expect(init?.invoke({ execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:HpoTunerLocal:one' }, input })).resolves.toMatchObject({
      runId: 'bundle-twice',
    });
    const error = await errorOf('init', { execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:HpoTunerLocal:two' }, input });
    expect(error.errorType).toBe('RunAlreadyExists');
  });

  it('Tick and WaitForChange report RunNotFound by name', async () => {
    expect((await errorOf('tick', { runId: 'no-such-run', ticks: 0 })).errorType).toBe('RunNotFound');
    expect((await errorOf('wait-for-change', { runId: 'no-such-run', taskToken: 't', version: 0 })).errorType).toBe('RunNotFound');
  });

  it('every error name a Catch or Retry matches is in the bundle of that state\'s function', () => {
    const synthesized = (twin as unknown as { synthesized: SynthesizedTuner }).synthesized;
    const missing: string[] = [];
    let checked = 0;
    for (const [stateName, handler] of Object.entries(synthesized.taskStateHandlers)) {
      const state = synthesized.definition.States[stateName] as { Retry?: Array<{ ErrorEquals: string[] }>; Catch?: Array<{ ErrorEquals: string[] }> };
      const names = [...(state.Retry ?? []), ...(state.Catch ?? [])]
        .flatMap((r) => r.ErrorEquals)
        .filter((n) => !/^(States|Lambda|Sandbox)\./.test(n));
      const code = readFileSync(join(synthesized.functions[handler].codeDir, 'index.js'), 'utf8');
      for (const name of names) {
        checked += 1;
        if (!code.includes(`"${name}"`)) missing.push(`${stateName} (${handler}): ${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
