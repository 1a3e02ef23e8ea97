import http from 'node:http';
import type Koa from 'koa';
import type { Logger } from '../logger';

export interface RunningServer {
  server: http.Server;
  /** The bound address (port 0 in config picks a free one). */
  url: string;
  close(): Promise<void>;
}

/** Listens with the app; `close()` stops accepting and ends idle keep-alive connections. */
export async function startServer(app: Koa, opts: { host: string; port: number; log: Logger }): Promise<RunningServer> {
  const server = http.createServer(app.callback());
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as { address: string; port: number };
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  opts.log.info({ url }, 'HTTP server listening');
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
