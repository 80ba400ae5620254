/**
 * The Lambda code the construct deploys: one esbuild bundle per handler, shipped inside the
 * package under `assets/lambda/<handler>/index.js` (+ `index.js.map`), handler `index.handler`,
 * and deployed with `lambda.Code.fromAsset`. An app that installs the package needs no esbuild,
 * no Docker and no lock file.
 *
 * The same folders are what `cdk synth` stages as the functions' assets and what the local
 * twin loads (from the cloud assembly), so the tests run the code users deploy. The options
 * are the deployed ones: minified, but with `keepNames`, because the Lambda runtime reports
 * `errorType = error.name` and Step Functions matches `Catch`/`Retry` on it; a renamed
 * error class would never match.
 *
 * Two situations:
 * - **Installed package** (no `lambda/` sources next to `assets/`): the shipped bundles are used
 *   as they are.
 * - **Repository checkout** (sources present): `assets/lambda/manifest.json` records the content
 *   hash the bundles were built from; when the sources changed, the bundles are rebuilt in place
 *   first (about a second). The hash covers every file under `core/` and `lambda/`, the lock
 *   file (dependency versions), the esbuild version and the options below, so nothing stale is
 *   deployed or tested. `npm pack` ships exactly this folder (`prepack` rebuilds it).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { HANDLER_NAMES, type HandlerName } from './definition';

/**
 * The package's root: the nearest folder above this file with a `package.json` (`lib/private`
 * in the repository, `dist/lib/private` in the installed package).
 */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

const PROJECT_ROOT = packageRoot();

/** Where the bundles are: shipped in the package, built there in a checkout. */
export const BUNDLES_DIR = join(PROJECT_ROOT, 'assets', 'lambda');

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

interface Manifest {
  readonly hash: string;
  readonly handlers: readonly string[];
  readonly builtAt: string;
}

function readManifest(): Manifest | undefined {
  const path = join(BUNDLES_DIR, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : undefined;
}

/** True in a repository checkout: the handlers' sources sit next to `assets/`. */
function hasSources(): boolean {
  return existsSync(join(PROJECT_ROOT, 'lambda', 'handlers'));
}

/**
 * The folder of each handler's bundle. In a checkout, rebuilds them first when the sources
 * changed. Synchronous (a construct constructor calls it); about a second to build, a few
 * milliseconds to check.
 */
export function lambdaBundles(): Readonly<Record<HandlerName, string>> {
  if (hasSources()) {
    const hash = bundleHash();
    if (readManifest()?.hash !== hash) buildInto(BUNDLES_DIR, hash);
  } else {
    const manifest = readManifest();
    const missing = HANDLER_NAMES.filter((h) => !existsSync(join(BUNDLES_DIR, h, 'index.js')));
    if (!manifest || missing.length > 0) {
      throw new Error(
        `the tuner's Lambda code is missing from ${BUNDLES_DIR} (${missing.length > 0 ? missing.join(', ') : 'manifest.json'}): ` +
          'the package was packed without `npm run build:construct` (its prepack); reinstall it from a tarball made by `npm pack` or the registry',
      );
    }
  }
  return Object.fromEntries(HANDLER_NAMES.map((h) => [h, join(BUNDLES_DIR, h)])) as Record<HandlerName, string>;
}

/**
 * Builds every bundle into a fresh folder, then swaps it into place. Another process that
 * built the same hash first wins; its bundles are identical.
 */
function buildInto(dir: string, hash: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    esbuild.buildSync({
      ...BUNDLE_OPTIONS,
      absWorkingDir: PROJECT_ROOT,
      entryPoints: Object.fromEntries(HANDLER_NAMES.map((h) => [`${h}/index`, join(PROJECT_ROOT, 'lambda', 'handlers', `${h}.ts`)])),
      outdir: staging,
    });
    const manifest: Manifest = { hash, handlers: HANDLER_NAMES, builtAt: new Date().toISOString() };
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // Another process built the same hash meanwhile: keep its folder (identical), never swap a
    // folder others may be reading.
    if (readManifest()?.hash === hash) return;
    try {
      if (existsSync(dir)) renameSync(dir, old);
    } catch {
      // Another process moved it first.
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (readManifest()?.hash !== hash) throw error;
    }
  } finally {
    for (const leftover of [staging, old]) if (existsSync(leftover)) rmSync(leftover, { recursive: true, force: true });
  }
}

/** Size in bytes of each handler's `index.js` (for the docs and the closing note). */
export function bundleSizes(): Readonly<Record<HandlerName, number>> {
  const dirs = lambdaBundles();
  return Object.fromEntries(HANDLER_NAMES.map((h) => [h, statSync(join(dirs[h], 'index.js')).size])) as Record<HandlerName, number>;
}
