// Writes as fast as TCP allows to HOST:PORT for SECONDS, then exits. Run inside a lab node
// (ip netns exec NS node tcp-send.js HOST PORT SECONDS) by the bandwidth test.
'use strict';
const net = require('node:net');
const [host, port, seconds] = process.argv.slice(2);
const chunk = Buffer.alloc(64 * 1024, 120);
const socket = net.connect(Number(port), host, () => {
  const end = Date.now() + Number(seconds) * 1000;
  const pump = () => {
    while (Date.now() < end) {
      if (!socket.write(chunk)) return socket.once('drain', pump);
    }
    socket.destroy();
  };
  pump();
});
socket.on('error', () => process.exit(0));
