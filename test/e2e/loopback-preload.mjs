// Preloaded into the proxy under test (node --import): the proxy listens on every interface, as a
// deployed server should, but a test run must not open a port to the network. This binds any
// listen(port) that names no host to 127.0.0.1 and changes nothing else.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [port, host] = args;
  if (typeof port === 'number' && typeof host !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
