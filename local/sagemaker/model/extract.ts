/**
 * Extracts the part of botocore's SageMaker API model that the emulator validates against.
 *
 * Reads `data/sagemaker/2017-07-24/service-2.json.gz` from an installed botocore, keeps the
 * operations we call and every shape they reach (members, list elements, map keys and
 * values, errors), drops the documentation, and writes `sagemaker-subset.json` next to
 * this file. The committed JSON is what the emulator uses at runtime; Python is not needed.
 *
 * Usage:
 *   npx tsx local/sagemaker/model/extract.ts [--botocore <botocore package dir>] [--out <file>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ApiModelSubset, OperationModel, Shape } from './types';

/** The operations the tuner calls (and the emulator serves). */
export const OPERATIONS = [
  'CreateTrainingJob',
  'DescribeTrainingJob',
  'StopTrainingJob',
  'UpdateTrainingJob',
  'ListTrainingJobs',
] as const;

/** The botocore install of this machine image's Python 3.11. */
export const DEFAULT_BOTOCORE_DIR = '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore';

/**
 * How the live service prints a pattern in its ValidationException messages, where that
 * differs from botocore's text. Observed in real error messages quoted in public issues
 * (e.g. zenml-io/zenml#1502, 2023: "Member must satisfy regular expression pattern:
 * ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"). Other patterns are printed as botocore has them
 * (e.g. ".*" in aws-samples/amazon-sagemaker-pytorch-detectron2#10).
 */
const MESSAGE_PATTERNS: Readonly<Record<string, string>> = {
  TrainingJobName: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
};

/** The parts of a botocore shape we read. */
interface BotocoreShape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  exception?: boolean;
}

interface BotocoreModel {
  metadata: { apiVersion: string };
  operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, BotocoreShape>;
}

/** Reads botocore's `__version__` from its `__init__.py`. */
export function readBotocoreVersion(botocoreDir: string): string {
  const text = readFileSync(join(botocoreDir, '__init__.py'), 'utf8');
  const match = /^__version__\s*=\s*['"]([^'"]+)['"]/m.exec(text);
  if (!match) throw new Error(`no __version__ found in ${join(botocoreDir, '__init__.py')}`);
  return match[1];
}

function copyShape(name: string, s: BotocoreShape): Shape {
  const bounds = { ...(s.min !== undefined ? { min: s.min } : {}), ...(s.max !== undefined ? { max: s.max } : {}) };
  switch (s.type) {
    case 'structure': {
      const members: Record<string, { shape: string }> = {};
      for (const [m, ref] of Object.entries(s.members ?? {})) members[m] = { shape: ref.shape };
      return {
        type: 'structure',
        ...(s.required?.length ? { required: [...s.required] } : {}),
        members,
        ...(s.exception ? { exception: true } : {}),
        ...bounds,
      };
    }
    case 'list':
      if (!s.member) throw new Error(`list shape ${name} has no member`);
      return { type: 'list', member: { shape: s.member.shape }, ...bounds };
    case 'map':
      if (!s.key || !s.value) throw new Error(`map shape ${name} has no key or value`);
      return { type: 'map', key: { shape: s.key.shape }, value: { shape: s.value.shape }, ...bounds };
    case 'string':
      return {
        type: 'string',
        ...bounds,
        ...(s.pattern !== undefined ? { pattern: s.pattern } : {}),
        ...(s.enum ? { enum: [...s.enum] } : {}),
        ...(MESSAGE_PATTERNS[name] ? { messagePattern: MESSAGE_PATTERNS[name] } : {}),
      };
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'boolean':
    case 'timestamp':
    case 'blob':
      return { type: s.type, ...bounds };
    default:
      throw new Error(`shape ${name} has a type the emulator does not support: ${s.type}`);
  }
}

/** Builds the subset from a parsed botocore model (pure; exported for tests). */
export function extractSubset(
  model: BotocoreModel,
  header: Omit<ApiModelSubset['header'], 'operations' | 'apiVersion'>,
): ApiModelSubset {
  const shapes: Record<string, Shape> = {};
  const visit = (name: string): void => {
    if (shapes[name]) return;
    const s = model.shapes[name];
    if (!s) throw new Error(`shape ${name} is referenced but not defined`);
    const copy = copyShape(name, s);
    shapes[name] = copy;
    if (copy.type === 'structure') Object.values(copy.members).forEach((r) => visit(r.shape));
    if (copy.type === 'list') visit(copy.member.shape);
    if (copy.type === 'map') {
      visit(copy.key.shape);
      visit(copy.value.shape);
    }
  };
  const operations: Record<string, OperationModel> = {};
  for (const op of OPERATIONS) {
    const o = model.operations[op];
    if (!o) throw new Error(`operation ${op} is not in the model`);
    operations[op] = {
      ...(o.input ? { input: o.input.shape } : {}),
      ...(o.output ? { output: o.output.shape } : {}),
      errors: (o.errors ?? []).map((e) => e.shape),
    };
    if (o.input) visit(o.input.shape);
    if (o.output) visit(o.output.shape);
    (o.errors ?? []).forEach((e) => visit(e.shape));
  }
  const sorted: Record<string, Shape> = {};
  for (const k of Object.keys(shapes).sort()) sorted[k] = shapes[k];
  return {
    header: { ...header, apiVersion: model.metadata.apiVersion, operations: [...OPERATIONS] },
    operations,
    shapes: sorted,
  };
}

function main(argv: readonly string[]): void {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const botocoreDir = resolve(arg('--botocore') ?? DEFAULT_BOTOCORE_DIR);
  const out = resolve(arg('--out') ?? join(__dirname, 'sagemaker-subset.json'));
  const source = join(botocoreDir, 'data', 'sagemaker', '2017-07-24', 'service-2.json.gz');
  const model = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as BotocoreModel;
  const subset = extractSubset(model, {
    source,
    botocoreVersion: readBotocoreVersion(botocoreDir),
    extractedAt: new Date().toISOString().slice(0, 10),
    regenerate: `npx tsx ${relative(process.cwd(), __filename) || 'local/sagemaker/model/extract.ts'} --botocore ${botocoreDir}`,
    notes: [
      'Constraints are botocore\'s, verbatim; patterns are Java regular expressions matched against the whole value.',
      'messagePattern: how the live service prints a pattern in ValidationException messages, where observed to differ (TrainingJobName, from public error reports).',
      'Documentation strings are dropped; read botocore or the API reference for them.',
    ],
  });
  writeFileSync(out, `${JSON.stringify(subset, null, 2)}\n`);
  process.stdout.write(`wrote ${out}: ${Object.keys(subset.shapes).length} shapes, botocore ${subset.header.botocoreVersion}\n`);
}

if (require.main === module) main(process.argv.slice(2));
