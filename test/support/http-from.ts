import http from 'node:http';

/** An HTTP answer with its JSON body. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * One HTTP request from a chosen local address (any 127.0.0.x works: Linux routes the whole
 * 127/8 to lo), so tests can play clients at different addresses over real sockets.
 */
export function call(
  base: string,
  from: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      { method, localAddress: from, headers: { ...opts.headers, Connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
