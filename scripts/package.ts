/**
 * `npm run package`: builds both packages and packs them into `dist/packages/`:
 *
 * - `sagemaker-hpo-tuner-<version>.tgz`: the construct (jsii-compiled JavaScript with `.d.ts`,
 *   the `.jsii` assembly and the prebuilt Lambda bundles), from the repository root;
 * - `sagemaker-hpo-cli-<version>.tgz`: the `hpo` command, from cli/.
 *
 * Prints each tarball's path, packed and unpacked size and file count (as JSON with `--json`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCli } from './build-cli';

const ROOT = resolve(__dirname, '..');
export const PACKAGES_DIR = join(ROOT, 'dist', 'packages');

export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
  /** Bytes of the .tgz. */
  readonly size: number;
  /** Bytes of its files, unpacked. */
  readonly unpackedSize: number;
  readonly files: number;
}

function npmPack(dir: string): PackedPackage {
  // The builds ran before: no lifecycle scripts, so stdout is npm's JSON alone.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', PACKAGES_DIR], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out) as { name: string; filename: string; size: number; unpackedSize: number; entryCount: number }[];
  return { name: info.name, tarball: join(PACKAGES_DIR, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.entryCount };
}

export async function packAll(): Promise<readonly PackedPackage[]> {
  mkdirSync(PACKAGES_DIR, { recursive: true });
  execFileSync('npm', ['run', '--silent', 'build:construct'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const construct = npmPack(ROOT);
  await buildCli();
  const cli = npmPack(join(ROOT, 'cli'));
  return [construct, cli];
}

if (require.main === module) {
  packAll().then(
    (packages) => {
      if (process.argv.includes('--json')) {
        process.stdout.write(`${JSON.stringify(packages, null, 2)}\n`);
        return;
      }
      for (const p of packages) {
        process.stdout.write(`${p.tarball}: ${(p.size / 1024 / 1024).toFixed(2)} MiB packed, ${(p.unpackedSize / 1024 / 1024).toFixed(2)} MiB unpacked, ${p.files} files\n`);
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
