// Runs inside the sandbox, first, when the sandbox has no network of its own: listens on the
// sandbox's loopback and relays each connection to the egress proxy's Unix socket outside, points
// the agent's HTTP(S)_PROXY variables at it, runs the agent, and ends with the agent's status.
// Started as `node -e <this file> -- <socket> <program> <args...>` (the bundle embeds it as text).
'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');

const [socketPath, program, ...args] = process.argv.slice(1);

const relay = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});

relay.listen(0, '127.0.0.1', () => {
  const { port } = relay.address();
  const proxy = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  for (const name of [
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
    'ALL_PROXY',
    'all_proxy',
  ])
    env[name] = proxy;
  // Every host goes through the proxy, loopback included: the sandbox's own loopback has nothing.
  for (const name of ['NO_PROXY', 'no_proxy']) delete env[name];
  const child = spawn(program, args, { stdio: 'inherit', env });
  child.on('error', (error) => {
    process.stderr.write(`samocode sandbox: could not start ${program}: ${error.message}\n`);
    process.exit(error.code === 'ENOENT' ? 127 : 126);
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'])
    process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    relay.close();
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
});
