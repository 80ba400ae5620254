/**
 * `npm run build:construct`, second step (after jsii): (re)builds the Lambda bundles the package
 * ships under `assets/lambda/`, and prints their sizes. The construct builds them the same way
 * on first use in a checkout; this makes `npm pack` independent of that.
 */
import { join } from 'node:path';
import { BUNDLES_DIR, bundleSizes } from '../lib/private/lambda-bundles';

const sizes = bundleSizes();
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
for (const [handler, bytes] of Object.entries(sizes)) {
  process.stdout.write(`${join(BUNDLES_DIR, handler, 'index.js')}: ${(bytes / 1024).toFixed(0)} KiB\n`);
}
process.stdout.write(`${Object.keys(sizes).length} bundles, ${(total / 1024 / 1024).toFixed(1)} MiB of code\n`);
