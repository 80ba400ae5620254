/**
 * The script-mode contract: what a SageMaker training script sees, reproduced for a local
 * process.
 *
 * Follows the SageMaker training toolkit (aws/sagemaker-training-toolkit,
 * src/sagemaker_training/environment.py and mapping.py): hyperparameters arrive in
 * `hyperparameters.json` as strings; each value is JSON-decoded when it parses (so `"5"`
 * becomes 5 and `"\"adam\""` becomes "adam") and kept as the string otherwise. Keys starting
 * with `sagemaker_` are framework parameters and are not passed to the script. The script
 * gets `--key value` arguments sorted by key (a one-character key gets `-k`), values printed
 * as Python's `str()` would; `SM_HPS` holds the decoded map as JSON, and `SM_HP_<KEY>` each
 * value (strings as is, other values as compact JSON).
 */
import { cpus } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** A decoded hyperparameter value (what `json.loads` may return). */
export type DecodedValue = string | number | boolean | null | DecodedValue[] | { [k: string]: DecodedValue };

/** The local command that runs one training job. */
export interface ResolvedCommand {
  /** Program and its arguments; the emulator appends the hyperparameter arguments. */
  readonly command: readonly string[];
  /** Working directory of the process. */
  readonly cwd: string;
  /** Extra environment variables (override the script-mode ones). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Context given to a {@link CommandResolver}. */
export interface ResolveContext {
  /** Maps `s3://bucket/key` to the local folder standing in for it. */
  readonly s3ToLocal: (uri: string) => string;
}

/**
 * Maps a CreateTrainingJob request (its image, hyperparameters, environment) to a local
 * command. Throwing fails the job with `ClientError: <message>`.
 */
export type CommandResolver = (request: CreateTrainingJobRequest, context: ResolveContext) => ResolvedCommand;

/** Decodes one hyperparameter value like the toolkit's `read_hyperparameters`. */
export function decodeHyperParameter(raw: string): DecodedValue {
  try {
    return JSON.parse(raw) as DecodedValue;
  } catch {
    return raw;
  }
}

/** The hyperparameters the script sees (decoded, without `sagemaker_*` keys). */
export function userHyperParameters(hps: Readonly<Record<string, string>> | undefined): Record<string, DecodedValue> {
  const out: Record<string, DecodedValue> = {};
  for (const [k, v] of Object.entries(hps ?? {})) if (!k.startsWith('sagemaker_')) out[k] = decodeHyperParameter(v);
  return out;
}

/** Python's `repr(float)`: shortest digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (!m) return String(x);
  let digits = m[1] + (m[2] ?? '');
  let exp = Number(m[3] ?? 0) + m[1].length - 1; // decimal exponent of the first digit
  const lead = (/^0*/.exec(digits) ?? [''])[0].length;
  digits = digits.slice(lead).replace(/0+$/, '') || '0';
  exp -= lead;
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Prints a decoded value as Python's `str()` does; `isFloat` says json.loads made a float. */
function pythonStr(v: DecodedValue, isFloat = false): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return isFloat || !Number.isInteger(v) ? pythonFloatRepr(v) : String(v);
  const inner = (x: DecodedValue): string => (typeof x === 'string' ? `'${x}'` : pythonStr(x));
  if (Array.isArray(v)) return `[${v.map(inner).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `'${k}': ${inner(x)}`).join(', ')}}`;
}

/**
 * `--key value` arguments, sorted by key, as the toolkit's `to_cmd_args` builds them from
 * the raw (string) hyperparameters; `sagemaker_*` keys are left out.
 */
export function hyperParameterArgs(raw: Readonly<Record<string, string>> | undefined): string[] {
  const args: string[] = [];
  const hps = raw ?? {};
  for (const key of Object.keys(hps).filter((k) => !k.startsWith('sagemaker_')).sort()) {
    const v = decodeHyperParameter(hps[key]);
    args.push(key.length > 1 ? `--${key}` : `-${key}`);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      args.push(Object.keys(v).sort().map((k) => `${k}=${pythonStr(v[k])}`).join(','));
    } else {
      args.push(pythonStr(v, typeof v === 'number' && /[.eE]/.test(hps[key])));
    }
  }
  return args;
}

/** Maps `s3://bucket/key` to `<s3Root>/bucket/key`. */
export function s3UriToLocalPath(s3Root: string, uri: string): string {
  const m = /^(?:s3|https):\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an S3 URI: ${uri}`);
  const key = m[2].replace(/\/+$/, '');
  const local = resolve(s3Root, m[1], key);
  if (!local.startsWith(resolve(s3Root))) throw new Error(`S3 URI escapes the local S3 root: ${uri}`);
  return local;
}

/** Folders of one job's local stand-in for `/opt/ml`. */
export interface JobDirs {
  readonly root: string;
  readonly model: string;
  readonly output: string;
  readonly outputData: string;
  readonly checkpoints: string;
  readonly input: string;
  readonly inputConfig: string;
  readonly inputData: string;
  readonly log: string;
}

/** The folder layout of a job under `<rootDir>/jobs/<name>/`. */
export function jobDirs(rootDir: string, jobName: string): JobDirs {
  const root = join(rootDir, 'jobs', jobName);
  return {
    root,
    model: join(root, 'model'),
    output: join(root, 'output'),
    outputData: join(root, 'output', 'data'),
    checkpoints: join(root, 'checkpoints'),
    input: join(root, 'input'),
    inputConfig: join(root, 'input', 'config'),
    inputData: join(root, 'input', 'data'),
    log: join(root, 'output', 'log.txt'),
  };
}

/** Builds the script-mode environment of a job (without the inherited process environment). */
export function scriptModeEnv(
  request: CreateTrainingJobRequest,
  dirs: JobDirs,
  channels: Readonly<Record<string, string>>,
): Record<string, string> {
  const hps = userHyperParameters(request.HyperParameters);
  const channelNames = Object.keys(channels).sort();
  const numCpus = cpus().length;
  const env: Record<string, string> = {
    SM_MODEL_DIR: dirs.model,
    SM_OUTPUT_DIR: dirs.output,
    SM_OUTPUT_DATA_DIR: dirs.outputData,
    SM_INPUT_DIR: dirs.input,
    SM_INPUT_CONFIG_DIR: dirs.inputConfig,
    SM_CHECKPOINT_DIR: dirs.checkpoints,
    SM_CHANNELS: JSON.stringify(channelNames),
    SM_HPS: JSON.stringify(hps),
    SM_USER_ARGS: JSON.stringify(hyperParameterArgs(request.HyperParameters)),
    SM_CURRENT_HOST: 'algo-1',
    SM_HOSTS: JSON.stringify(['algo-1']),
    SM_NUM_GPUS: '0',
    SM_NUM_CPUS: String(numCpus),
    SM_TRAINING_ENV: JSON.stringify({
      job_name: request.TrainingJobName,
      hyperparameters: hps,
      channel_input_dirs: channels,
      current_host: 'algo-1',
      hosts: ['algo-1'],
      model_dir: dirs.model,
      output_dir: dirs.output,
      output_data_dir: dirs.outputData,
      input_dir: dirs.input,
      input_config_dir: dirs.inputConfig,
      num_cpus: numCpus,
      num_gpus: 0,
    }),
  };
  for (const [k, v] of Object.entries(hps)) env[`SM_HP_${k.toUpperCase()}`] = typeof v === 'string' ? v : JSON.stringify(v);
  for (const name of channelNames) env[`SM_CHANNEL_${name.toUpperCase()}`] = channels[name];
  return env;
}

/**
 * Default resolver: SageMaker framework script mode. Reads `sagemaker_program` (the entry
 * point, e.g. `"train.py"`) and `sagemaker_submit_directory` (a local path, `file://` URL
 * or an `s3://` folder under the local S3 root; JSON-quoted as the SageMaker Python SDK
 * sends them) and runs `.py` files with `python3`, `.js/.mjs/.cjs` files with this Node.
 *
 * @throws Error when `sagemaker_program` is missing, the submit directory is a tarball, or
 *   the extension is not supported
 */
export const resolveFromHyperParameters: CommandResolver = (request, context) => {
  const hps = request.HyperParameters ?? {};
  const program = hps.sagemaker_program !== undefined ? decodeHyperParameter(hps.sagemaker_program) : undefined;
  if (typeof program !== 'string' || program === '') {
    throw new Error('no entry point: set the hyperparameter sagemaker_program (e.g. "train.py") or configure resolveCommand');
  }
  const submit = hps.sagemaker_submit_directory !== undefined ? decodeHyperParameter(hps.sagemaker_submit_directory) : undefined;
  let cwd = process.cwd();
  if (typeof submit === 'string' && submit !== '') {
    if (/\.tar\.gz$|\.tgz$/.test(submit)) throw new Error(`sagemaker_submit_directory is a tarball (${submit}); the local emulator needs a folder`);
    if (submit.startsWith('s3://')) cwd = context.s3ToLocal(submit);
    else if (submit.startsWith('file://')) cwd = new URL(submit).pathname;
    else cwd = isAbsolute(submit) ? submit : resolve(submit);
  }
  const entry = isAbsolute(program) ? program : join(cwd, program);
  if (/\.py$/.test(program)) return { command: ['python3', entry], cwd };
  if (/\.(js|mjs|cjs)$/.test(program)) return { command: [process.execPath, entry], cwd };
  throw new Error(`unsupported entry point ${program}: expected a .py, .js, .mjs or .cjs file`);
};
