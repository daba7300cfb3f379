// Sends COUNT numbered UDP datagrams to HOST:PORT, one every INTERVAL ms, then exits. Run inside a lab node
// (ip netns exec NS node udp-send.js HOST PORT COUNT INTERVAL) by the packet-loss test; sends that the node's
// own firewall refuses (EPERM) are still counted as sent: they are the packets the fault dropped.
'use strict';
const dgram = require('node:dgram');
const [host, port, count, interval] = process.argv.slice(2);
const socket = dgram.createSocket('udp4');
let sent = 0;
const timer = setInterval(() => {
  socket.send(Buffer.from(String(sent)), Number(port), host, () => undefined);
  sent += 1;
  if (sent >= Number(count)) {
    clearInterval(timer);
    setTimeout(() => socket.close(), 200);
  }
}, Number(interval));
