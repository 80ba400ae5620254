#!/usr/bin/env node
// The `hpo` command line. Runs the TypeScript sources through tsx (no build step).
'use strict';

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
