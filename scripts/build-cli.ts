/**
 * `npm run build:cli`: bundles the `hpo` command (cli/, the local twin in local/, the core and the
 * adapters it uses) into `cli/dist/hpo.js`, the one file of the `sagemaker-hpo-cli` package
 * (cli/package.json) besides the Lambda worker `cli/dist/worker.cjs`.
 *
 * Two rules keep the package honest:
 * - The construct is not bundled: every import of `lib/` becomes an import of the
 *   `sagemaker-hpo-tuner` package (`sagemaker-hpo-tuner/dist/lib/...`), so `hpo local`
 *   synthesizes the installed construct and runs the Lambda bundles it ships: what an
 *   embedding app deploys.
 * - Every npm package stays external and must be a dependency in cli/package.json, at the
 *   version the repository pins (package.json), as must the construct's peer dependencies: the
 *   build fails on a missing, unused or differently pinned dependency.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'cli');
const OUT = join(CLI, 'dist');
const LIB = join(ROOT, 'lib');

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}
const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** Imports of lib/ become imports of the installed construct package. */
function constructAsPackage(constructName: string): Plugin {
  return {
    name: 'construct-as-package',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (target !== LIB && !target.startsWith(LIB + sep)) return undefined;
        const path = relative(ROOT, target).split(sep).join('/').replace(/\.ts$/, '');
        return { path: `${constructName}/dist/${path}`, external: true };
      });
    },
  };
}

/** The package an import names (`@scope/name/sub` -> `@scope/name`), or undefined for Node's own. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('<')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function buildCli(): Promise<{ readonly bytes: number; readonly dependencies: readonly string[] }> {
  const root = readManifest(join(ROOT, 'package.json'));
  const cli = readManifest(join(CLI, 'package.json'));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const result = await build({
    entryPoints: [join(CLI, 'entry.ts')],
    outfile: join(OUT, 'hpo.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    packages: 'external',
    plugins: [constructAsPackage(root.name)],
    banner: { js: '#!/usr/bin/env node' },
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, 'local', 'lambda', 'worker.cjs'), join(OUT, 'worker.cjs'));
  chmodSync(join(OUT, 'hpo.js'), 0o755);

  const used = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      const name = imported.external ? packageOf(imported.path) : undefined;
      if (name) used.add(name);
    }
  }
  // The construct's peers (aws-cdk-lib, constructs) are the CLI's to provide, imported or not.
  for (const name of Object.keys(root.peerDependencies ?? {})) used.add(name);
  const declared = cli.dependencies ?? {};
  const problems: string[] = [];
  for (const name of used) if (!(name in declared)) problems.push(`${name} is imported but not a dependency`);
  for (const name of Object.keys(declared)) if (!used.has(name)) problems.push(`${name} is a dependency but not imported`);
  for (const [name, version] of Object.entries(declared)) {
    const pinned = name === root.name ? root.version : root.devDependencies?.[name];
    if (version !== pinned) problems.push(`${name} is ${version}, the repository pins ${pinned ?? 'nothing'}`);
  }
  if (cli.version !== root.version) problems.push(`the CLI's version ${cli.version} is not the construct's ${root.version}`);
  if (problems.length > 0) throw new Error(`cli/package.json does not match the bundle:\n- ${problems.join('\n- ')}`);
  const bytes = result.metafile.outputs[relative(ROOT, join(OUT, 'hpo.js')).split(sep).join('/')]?.bytes ?? 0;
  return { bytes, dependencies: [...used].sort() };
}

if (require.main === module) {
  buildCli().then(
    ({ bytes, dependencies }) => {
      process.stdout.write(`cli/dist/hpo.js: ${(bytes / 1024).toFixed(0)} KiB; dependencies: ${dependencies.join(', ')}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
