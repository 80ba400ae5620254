/**
 * The Lambda code the construct deploys: one esbuild bundle per handler, built once per
 * content hash and cached.
 *
 * The same folders are what `cdk synth` stages as the functions' assets and what the local
 * twin loads (from the cloud assembly), so the tests run the code users deploy. The options
 * are the deployed ones: minified, but with `keepNames`, because the Lambda runtime reports
 * `errorType = error.name` and Step Functions matches `Catch`/`Retry` on it; a renamed
 * error class would never match.
 *
 * Layout: `<cache>/<hash>/<handler>/index.js` (+ `index.js.map`), handler `index.handler`.
 * The hash covers every file under `core/` and `lambda/`, the lock file (dependency versions), the
 * esbuild version and the options below, so any change rebuilds and nothing stale is reused.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HANDLER_NAMES, type HandlerName } from './definition';

/** The repository root (lib/private/../..), where lambda/ and package-lock.json live. */
const PROJECT_ROOT = join(__dirname, '..', '..');

/** The `handler` setting of every function: `index.js`, export `handler`. */
export const LAMBDA_HANDLER = 'index.handler';

/**
 * esbuild options of every bundle (besides entry points and output folder).
 *
 * - `keepNames`: error classes keep their names (`InvalidTuningInput`, ...), which the state
 *   machine's `Catch`/`Retry` match on. Without it, minification renames them.
 * - The pinned AWS SDK is bundled instead of the runtime's: what runs is what was tested.
 * - Line-mapped source maps without the sources (embedding them would quadruple the bundle);
 *   the functions run with `--enable-source-maps`.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'silent',
} as const;

/** Where bundles are cached: `HPO_BUNDLE_CACHE`, else `node_modules/.cache/hpo-tuner/lambda`. */
function cacheRoot(): string {
  return process.env.HPO_BUNDLE_CACHE ?? join(PROJECT_ROOT, 'node_modules', '.cache', 'hpo-tuner', 'lambda');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** The content hash of everything a bundle is made of. */
export function bundleHash(): string {
  const hash = createHash('sha256');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuildVersion = (require('esbuild/package.json') as { version: string }).version;
  hash.update(JSON.stringify({ esbuildVersion, options: BUNDLE_OPTIONS, handlers: HANDLER_NAMES }));
  for (const file of [...listFiles(join(PROJECT_ROOT, 'core')), ...listFiles(join(PROJECT_ROOT, 'lambda')), join(PROJECT_ROOT, 'package-lock.json')]) {
    hash.update(relative(PROJECT_ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

let built: { hash: string; dir: string } | undefined;

/**
 * The folder of each handler's bundle, building all of them first if this content hash has
 * not been built yet. Synchronous (a construct constructor calls it); about a second to build,
 * a few milliseconds when cached.
 */
export function lambdaBundles(): Readonly<Record<HandlerName, string>> {
  const hash = bundleHash();
  if (built?.hash !== hash) {
    const dir = join(cacheRoot(), hash);
    if (!existsSync(join(dir, 'complete'))) buildInto(dir);
    built = { hash, dir };
  }
  const root = built.dir;
  return Object.fromEntries(HANDLER_NAMES.map((h) => [h, join(root, h)])) as Record<HandlerName, string>;
}

/** Builds every bundle into a fresh folder, then moves it into place (atomic for concurrent builders). */
function buildInto(dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    esbuild.buildSync({
      ...BUNDLE_OPTIONS,
      absWorkingDir: PROJECT_ROOT,
      entryPoints: Object.fromEntries(HANDLER_NAMES.map((h) => [`${h}/index`, join(PROJECT_ROOT, 'lambda', 'handlers', `${h}.ts`)])),
      outdir: staging,
    });
    // The marker tells a reader the folder is whole.
    writeFileSync(join(staging, 'complete'), new Date().toISOString());
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished the same hash first: its bundles are identical.
      if (!existsSync(join(dir, 'complete'))) throw error;
    }
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/** Size in bytes of each handler's `index.js` (for the docs and the closing note). */
export function bundleSizes(): Readonly<Record<HandlerName, number>> {
  const dirs = lambdaBundles();
  return Object.fromEntries(HANDLER_NAMES.map((h) => [h, statSync(join(dirs[h], 'index.js')).size])) as Record<HandlerName, number>;
}
