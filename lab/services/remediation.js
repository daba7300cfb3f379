'use strict';
/**
 * The lab's remediation service (lab/services/remediation/): an Alertmanager webhook receiver that runs the
 * actions of its policy through the framework's executors and keeps an fsynced audit log, served over HTTP.
 *   node lab/services/remediation.js --env ENV.yaml --listen HOST:PORT --policy POLICY.yaml --audit AUDIT.jsonl
 * Runs from the TypeScript sources like bin/scs-chaos.js (ts-node, transpile only).
 */
const path = require('node:path');
process.env.TS_NODE_TRANSPILE_ONLY = process.env.TS_NODE_TRANSPILE_ONLY || 'true';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || path.join(__dirname, '..', '..', 'tsconfig.json');
require('ts-node/register');
require('./remediation/main').main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`remediation: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
