// Tests talk to loopback only. Any attempt to reach another address fails loudly
// instead of hanging on a closed network.
const net = require('node:net');
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  const options = typeof first === 'object' && first !== null && !Array.isArray(first) ? first : null;
  const host = options ? options.host : typeof args[1] === 'string' ? args[1] : undefined;
  const isUnixSocket = options ? Boolean(options.path) : typeof first === 'string' && isNaN(Number(first));
  if (!isUnixSocket && host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`tests may only connect to loopback, not ${host}`);
  }
  return originalConnect.apply(this, args);
};
