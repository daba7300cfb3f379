'use strict';
/**
 * The lab's web backend: a plain HTTP server, one per node, kept running by the node's supervisord.
 *
 *   node lab/services/web-backend.js scs-lab-web-backend --node node-1 --port 8080 [--host 0.0.0.0] [--data-dir DIR]
 *
 * The first argument is a marker: with "--node <name>" right after it, the service's processMatch pattern
 * ("[s]cs-lab-web-backend --node {node}( |$)") finds this node's process and no other.
 * GET /        -> 200 {"node":"<name>"}  (lets a client see which node served it)
 * GET /healthz -> 200 ok                  (haproxy's health check)
 * With --data-dir, both answer 507 "insufficient storage" while the filesystem holding DIR has less than
 * MIN_FREE_PERCENT free — like a service that stops taking writes before its volume is full — so a disk fill
 * on a lab node has an effect that probes and haproxy's health check see.
 * SIGTERM/SIGINT -> stops listening, closes connections and exits 0.
 */
const http = require('node:http');
const fs = require('node:fs');

/** Below this share of free blocks on the data volume the backend refuses work. */
const MIN_FREE_PERCENT = 5;
/** statfs is cheap but not free: its answer is reused for this long. */
const STORAGE_CHECK_INTERVAL_MS = 100;

function parseArguments(argv) {
  const options = { node: undefined, port: undefined, host: '0.0.0.0', dataDir: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--node') options.node = value;
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--host') options.host = value;
    else if (flag === '--data-dir') options.dataDir = value;
    else continue;
    i += 1;
  }
  if (!options.node || !Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    process.stderr.write('usage: web-backend.js <marker> --node NAME --port PORT [--host ADDRESS] [--data-dir DIR]\n');
    process.exit(2);
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
const body = JSON.stringify({ node: options.node });

let storageCheckedAt = 0;
let storageProblem = null;

/** storageProblemNow: null while the data volume has room (or there is none), else why the backend refuses work. */
function storageProblemNow() {
  if (!options.dataDir) return null;
  const now = Date.now();
  if (now - storageCheckedAt >= STORAGE_CHECK_INTERVAL_MS) {
    storageCheckedAt = now;
    try {
      const stats = fs.statfsSync(options.dataDir);
      const freePercent = stats.blocks === 0 ? 0 : (stats.bavail / stats.blocks) * 100;
      storageProblem = freePercent < MIN_FREE_PERCENT ? `insufficient storage: ${freePercent.toFixed(1)}% free on ${options.dataDir}\n` : null;
    } catch (error) {
      storageProblem = `data volume unusable: ${error.message}\n`;
    }
  }
  return storageProblem;
}

const server = http.createServer((request, response) => {
  const path = (request.url || '/').split('?')[0];
  const storage = path === '/' || path === '/healthz' ? storageProblemNow() : null;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    response.end('method not allowed\n');
  } else if (storage) {
    response.writeHead(507, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(storage) });
    response.end(request.method === 'HEAD' ? undefined : storage);
  } else if (path === '/') {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  } else if (path === '/healthz') {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    response.end(request.method === 'HEAD' ? undefined : 'ok');
  } else {
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found\n');
  }
});

server.on('error', (error) => {
  process.stderr.write(`web-backend ${options.node}: ${error.message}\n`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  process.stdout.write(`web-backend ${options.node} listening on ${options.host}:${options.port} (pid ${process.pid})\n`);
});

function stop(signalName) {
  process.stdout.write(`web-backend ${options.node}: ${signalName}, stopping\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Exit even if a connection refuses to close.
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
