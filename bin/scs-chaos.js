#!/usr/bin/env node
'use strict';
// Entry point of the `scs-chaos` command. The project runs from its TypeScript sources through ts-node in
// transpile-only mode (type checking is `npm run typecheck`'s job), so `npm ci` is the only set-up step.
const path = require('node:path');
process.env.TS_NODE_TRANSPILE_ONLY = process.env.TS_NODE_TRANSPILE_ONLY || 'true';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
require('ts-node/register');
require('../src/cli/main').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`scs-chaos: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 3;
  },
);
