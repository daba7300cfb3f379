// Sends one UDP datagram to HOST:PORT from a connected socket and prints how it ended: "answer MS",
// "refused MS" (ICMP port unreachable) or "timeout MS". Run inside a lab node by the DNS failure test:
// ip netns exec NS node udp-ask.js HOST PORT TIMEOUT_MS
'use strict';
const dgram = require('node:dgram');
const [host, port, timeoutMs] = process.argv.slice(2);
const started = Date.now();
const socket = dgram.createSocket('udp4');
const end = (how) => {
  process.stdout.write(`${how} ${Date.now() - started}\n`);
  socket.close();
};
const timer = setTimeout(() => end('timeout'), Number(timeoutMs));
socket.on('message', () => {
  clearTimeout(timer);
  end('answer');
});
socket.on('error', (error) => {
  clearTimeout(timer);
  end(error.code === 'ECONNREFUSED' ? 'refused' : `error:${error.code}`);
});
socket.connect(Number(port), host, () => socket.send(Buffer.from('query')));
