// The only way out of a sandbox without a network of its own: an HTTP proxy on a Unix socket that
// the sandbox's init relays to (see sandbox-init.cjs). It opens a connection only to a host the
// egress rule allows, for CONNECT tunnels (HTTPS) and plain absolute-form requests (HTTP), and
// answers anything else at once with 403 and a sentence that says which setting to change.
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { rm } from 'node:fs/promises';
import { egressAllows, egressRefusal } from '../core/egress.js';
import type { Egress } from '../core/egress.js';

export interface EgressProxy {
  close(): Promise<void>;
}

export interface EgressProxyOptions {
  socketPath: string;
  egress: Egress;
  /** The setting named in refusals (`allowed-domains` or `SAMOCODE_ALLOWED_DOMAINS`). */
  setting: string;
  onRefused: (host: string, port: number, message: string) => void;
}

/** `host:port` of a CONNECT target; IPv6 hosts come in brackets. */
function splitTarget(target: string, fallbackPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
  return {
    host: (match?.[1] ?? target).replace(/^\[|\]$/g, ''),
    port: match?.[2] ? Number(match[2]) : fallbackPort,
  };
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const refuse = (host: string, port: number): string => {
    const message = egressRefusal(host, port, options.setting);
    options.onRefused(host, port, message);
    return message;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('samocode sandbox: not a proxy request\n');
      return;
    }
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'http:' || !egressAllows(options.egress, host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`${refuse(host, port)}\n`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = request(
      { host, port, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // A request still waiting upstream when the agent is gone would keep this process alive.
    upstream.on('socket', track);
    res.on('close', () => upstream.destroy());
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`samocode sandbox: ${host}:${port} could not be reached: ${error.message}\n`);
    });
    req.pipe(upstream);
  });

  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const { host, port } = splitTarget(req.url ?? '', 443);
    client.on('error', () => client.destroy());
    if (!egressAllows(options.egress, host, port)) {
      const body = `${refuse(host, port)}\n`;
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    const upstream: Socket = connect(port, host);
    track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (error) => {
      if (upstream.connecting)
        client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\nsamocode sandbox: ${error.message}\n`);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });

  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
    },
  };
}
