#!/usr/bin/env node
// `npx hpo` in a repository checkout: the CLI from its sources (see ../hpo.js).
'use strict';
require('../hpo.js');
