import http from 'node:http';

/** One server-sent event as read off the wire. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * A server-sent events client over a real socket: `next(match)` resolves with the next event
 * (already received or still to come) that matches; `close()` ends the request.
 */
export function openEventStream(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void; from: number }[] = [];
  let status = 0;
  let contentType = '';
  let ended = false;
  let resolveEnd!: () => void;
  const endedPromise = new Promise<void>((r) => (resolveEnd = r));
  let buffer = '';
  const deliver = () => {
    for (const w of [...waiters]) {
      const found = events.slice(w.from).find(w.match);
      if (found) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
    status = res.statusCode ?? 0;
    contentType = String(res.headers['content-type'] ?? '');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n').filter((l) => !l.startsWith(':'));
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event) events.push({ event, data: data ? (JSON.parse(data) as Record<string, unknown>) : {} });
      }
      deliver();
    });
    res.on('end', () => {
      ended = true;
      resolveEnd();
    });
  });
  req.on('error', () => {
    ended = true;
    resolveEnd();
  });
  return {
    events,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    get ended() {
      return ended;
    },
    /** Resolves when the server ends the stream. */
    end: () => endedPromise,
    /** The next event matching (looking from event number `from`, default 0). */
    next(match: (e: SseEvent) => boolean, from = 0): Promise<SseEvent> {
      return new Promise((resolve) => {
        waiters.push({ match, resolve, from });
        deliver();
      });
    },
    close: () => req.destroy(),
  };
}
