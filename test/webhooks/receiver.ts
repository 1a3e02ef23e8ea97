import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'ok' | 'fail' | 'hang' | 'reject';

export interface Hit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  mode: Mode;
}

/**
 * A loopback HTTP receiver whose behaviour tests set: `ok` (204), `fail` (500), `hang` (never
 * answers; the sender's timeout ends it), `reject` (410). Waiters resolve on the hit that makes
 * their condition true (no polling, no sleeps).
 */
export async function startReceiver(initial: Mode = 'ok') {
  let mode: Mode | ((hit: Omit<Hit, 'mode'>) => Mode) = initial;
  const hits: Hit[] = [];
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const m = typeof mode === 'function' ? mode(seen) : mode;
      hits.push({ ...seen, mode: m });
      if (m === 'hang') hanging.add(res);
      else {
        res.statusCode = m === 'ok' ? 204 : m === 'fail' ? 500 : 410;
        res.end();
      }
      for (const w of [...waiters])
        if (w.check()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    setMode(m: typeof mode) {
      mode = m;
    },
    /** Resolves once `check()` holds (checked now and after every hit). */
    until(check: () => boolean): Promise<void> {
      if (check()) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ check, resolve }));
    },
    eventIds(): string[] {
      return hits.filter((h) => h.mode === 'ok').map((h) => String(h.headers['x-qunbot-event-id']));
    },
    close: () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
