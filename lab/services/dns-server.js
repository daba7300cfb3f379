'use strict';
/**
 * The lab's DNS server: answers A queries for the lab's own names over UDP, forwards nothing (no lab lookup ever
 * leaves the machine), NXDOMAIN for every other name. Kept running by the edge's supervisord.
 *
 *   node lab/services/dns-server.js scs-lab-dns --listen 198.18.0.10 [--port 53] [--pid-file FILE] --record web.lab=198.18.0.10 ...
 *
 * The first argument is a marker (it names the process for the lab's process checks). Names are matched without
 * case and without a trailing dot. Only what a resolver stub sends is understood: one question, class IN; other
 * types for a known name get an empty answer (NOERROR, no records), as a real authoritative server gives.
 * SIGTERM/SIGINT -> closes the socket and exits 0.
 */
const dgram = require('node:dgram');

const TYPE_A = 1;
const CLASS_IN = 1;
const TTL_SECONDS = 5;

function parseArguments(argv) {
  const options = { listen: undefined, port: 53, pidFile: undefined, records: new Map() };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--listen') options.listen = value;
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--pid-file') options.pidFile = value;
    else if (flag === '--record') {
      const [name, address] = String(value).split('=');
      if (!name || !/^\d+\.\d+\.\d+\.\d+$/.test(address ?? '')) fail(`bad --record ${value} (want name=IPv4)`);
      options.records.set(name.toLowerCase().replace(/\.$/, ''), address);
    } else continue;
    i += 1;
  }
  if (!options.listen || !Number.isInteger(options.port) || options.port < 1 || options.port > 65535) fail('usage: dns-server.js <marker> --listen ADDRESS [--port 53] --record NAME=IPv4 ...');
  return options;
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** readQuestion: the first question's name, type and class, and where the question section ends; null if malformed. */
function readQuestion(message) {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return null;
  const labels = [];
  let offset = 12;
  for (;;) {
    if (offset >= message.length) return null;
    const length = message[offset];
    if (length === 0) break;
    if (length > 63 || offset + 1 + length > message.length) return null; // no compression in questions
    labels.push(message.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  offset += 1;
  if (offset + 4 > message.length) return null;
  return { name: labels.join('.').toLowerCase(), type: message.readUInt16BE(offset), klass: message.readUInt16BE(offset + 2), end: offset + 4 };
}

/** answer: the response to `message`, or null to ignore it (not a query, malformed). */
function answer(message, records) {
  if (message.length < 12 || (message[2] & 0x80) !== 0) return null; // a response, not a query
  const question = readQuestion(message);
  const header = Buffer.alloc(12);
  message.copy(header, 0, 0, 2); // id
  const recursionDesired = message[2] & 0x01;
  if (!question) {
    header[2] = 0x80 | recursionDesired;
    header[3] = 0x01; // FORMERR
    return header;
  }
  const address = records.get(question.name);
  const known = address !== undefined && question.klass === CLASS_IN;
  const withAnswer = known && question.type === TYPE_A;
  header[2] = 0x80 | 0x04 | recursionDesired; // response, authoritative
  header[3] = known ? 0x00 : 0x03; // NOERROR or NXDOMAIN (recursion not available)
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(withAnswer ? 1 : 0, 6);
  const parts = [header, message.subarray(12, question.end)];
  if (withAnswer) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // pointer to the name in the question
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(CLASS_IN, 4);
    record.writeUInt32BE(TTL_SECONDS, 6);
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    parts.push(record);
  }
  return Buffer.concat(parts);
}

if (require.main === module) {
  const options = parseArguments(process.argv.slice(2));
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => {
    const response = answer(message, options.records);
    if (response) socket.send(response, from.port, from.address);
  });
  socket.on('error', (error) => fail(`dns-server: ${error.message}`));
  socket.bind(options.port, options.listen, () => {
    if (options.pidFile) require('node:fs').writeFileSync(options.pidFile, `${process.pid}\n`);
    process.stdout.write(`dns-server: ${options.records.size} names on ${options.listen}:${options.port}\n`);
  });
  const stop = () => socket.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { answer, readQuestion };
