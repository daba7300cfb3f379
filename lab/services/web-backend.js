'use strict';
/**
 * The lab's web backend: a plain HTTP server, one per node, kept running by the node's supervisord.
 *
 *   node lab/services/web-backend.js scs-lab-web-backend --node node-1 --port 8080 [--host 0.0.0.0]
 *
 * The first argument is a marker: with "--node <name>" right after it, the service's processMatch pattern
 * ("[s]cs-lab-web-backend --node {node}( |$)") finds this node's process and no other.
 * GET /        -> 200 {"node":"<name>"}  (lets a client see which node served it)
 * GET /healthz -> 200 ok                  (haproxy's health check)
 * SIGTERM/SIGINT -> stops listening, closes connections and exits 0.
 */
const http = require('node:http');

function parseArguments(argv) {
  const options = { node: undefined, port: undefined, host: '0.0.0.0' };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--node') options.node = value;
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--host') options.host = value;
    else continue;
    i += 1;
  }
  if (!options.node || !Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    process.stderr.write('usage: web-backend.js <marker> --node NAME --port PORT [--host ADDRESS]\n');
    process.exit(2);
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
const body = JSON.stringify({ node: options.node });

const server = http.createServer((request, response) => {
  const path = (request.url || '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    response.end('method not allowed\n');
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
