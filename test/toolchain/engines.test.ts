/**
 * The supported Node.js versions (package.json `engines.node`) are ones every installed package
 * supports, so `npm ci` prints no EBADENGINE warning on a supported version; the README and
 * .ci/run name the same versions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// semver is pinned as a devDependency; it has no type declarations of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean; validRange(range: string): string | null };

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** The lowest release of each supported major line, and later ones we claim: the versions to check. */
const SUPPORTED_SAMPLES = ['22.13.0', '22.23.5', '24.0.0', '26.0.0'];

describe('supported Node.js versions', () => {
  const range = pkg.engines.node;

  it('are declared as a range that covers the samples checked here, and not Node 20 (end of life since April 2026)', () => {
    expect(semver.validRange(range)).not.toBeNull();
    for (const version of SUPPORTED_SAMPLES) expect({ version, supported: semver.satisfies(version, range) }).toEqual({ version, supported: true });
    for (const version of ['20.19.0', '22.12.0']) expect({ version, supported: semver.satisfies(version, range) }).toEqual({ version, supported: false });
  });

  it.each(SUPPORTED_SAMPLES)('Node %s: every package in package-lock.json supports it (npm ci warns about none)', (version) => {
    const unsupported = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .map(([path, info]) => ({ name: path.replace(/^.*node_modules\//, ''), engines: Array.isArray(info.engines) ? undefined : info.engines?.node }))
      .filter((p): p is { name: string; engines: string } => p.engines !== undefined && !semver.satisfies(version, p.engines))
      .map((p) => `${p.name} needs ${p.engines}`);
    expect(unsupported).toEqual([]);
  });

  it('are the ones the README names, and the one .ci/run brings when the machine has an older Node', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('Node.js 22 (22.13 or later) or 24 and later');
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const pinned = /NODE_FOR_CI=(\d+\.\d+\.\d+)/.exec(ci)?.[1];
    expect(pinned).toBeDefined();
    expect(semver.satisfies(pinned!, range)).toBe(true);
    expect(SUPPORTED_SAMPLES).toContain(pinned);
  });
});
