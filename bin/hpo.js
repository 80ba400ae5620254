#!/usr/bin/env node
// The `hpo` command line. Runs the TypeScript sources through tsx (no build step).
'use strict';

// The pinned AWS SDK supports Node 20 but warns about future releases on every run: the CLI
// is not the place for that warning (Lambda runs Node 22).
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

require('tsx/cjs/api').register();

const { main } = require('../cli/main.ts');
const { processIo } = require('../cli/io.ts');

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() never rejects; this is the last line of defence.
    process.stderr.write(`error: ${error && error.message ? error.message : String(error)}\nthis is a bug, please report it\n`);
    process.exitCode = 1;
  },
);
