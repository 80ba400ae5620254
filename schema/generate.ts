/**
 * Writes schema/tuning-input.schema.json and docs/input-reference.md from the field
 * description in core/input/input-model.ts.
 *
 * Run `npx tsx schema/generate.ts` after changing the input model; a test fails while the
 * committed files differ from what this writes.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchema, renderReference } from '../core/input';

const root = join(__dirname, '..');
const outputs: readonly (readonly [string, string])[] = [
  ['schema/tuning-input.schema.json', renderJsonSchema()],
  ['docs/input-reference.md', renderReference()],
];
for (const [file, text] of outputs) {
  writeFileSync(join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
