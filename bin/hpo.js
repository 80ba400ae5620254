#!/usr/bin/env node
// The `hpo` command line in a repository checkout: runs the TypeScript sources through tsx (no
// build step). Installed users run the bundle of the same entry (sagemaker-hpo-cli, cli/dist).
'use strict';

require('tsx/cjs/api').register();
require('../cli/entry.ts');
