import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { Runtime } from '../../bot/runtime';
import { canSee } from '../../http/access';
import { AppError } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { permits, type Principal } from '../../http/principal';
import type { MentionService } from '../../plugins/mention-capture/mention.service';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { People } from './people';

/** One server-sent event: its name and JSON data. */
export interface RuntimeNotice {
  event: 'robot' | 'qrcode' | 'mention';
  robotId: string;
  data: Record<string, unknown>;
}

type Listener = (n: RuntimeNotice) => void;

/**
 * The runtime's robot events, turned into notices once and fanned out to every open stream (one
 * listener on the robot manager however many consoles are open).
 */
class NoticeHub {
  private readonly listeners = new Set<Listener>();
  private attached = false;

  constructor(
    private readonly manager: Runtime['manager'],
    private readonly mentions?: Pick<MentionService, 'on'>,
  ) {}

  subscribe(listener: Listener): () => void {
    this.attach();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(n: RuntimeNotice): void {
    for (const l of this.listeners) l(n);
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    const m = this.manager;
    m.on('status', (e) =>
      this.emit({
        event: 'robot',
        robotId: e.robotId,
        data: {
          status: e.status,
          ...(e.reason ? { reason: e.reason } : {}),
          ...(e.retryAt ? { retryAt: e.retryAt } : {}),
        },
      }),
    );
    m.on('qrcode', (e) => this.emit({ event: 'qrcode', robotId: e.robotId, data: { expiresAt: e.qr.expiresAt } }));
    m.on('login', (e) =>
      this.emit({ event: 'robot', robotId: e.robotId, data: { status: 'logged_in', wxName: e.wxName } }),
    );
    m.on('logout', (e) => this.emit({ event: 'robot', robotId: e.robotId, data: { status: 'logged_out' } }));
    this.mentions?.on('stored', (x) => this.emit({ event: 'mention', robotId: x.robotId, data: { mentionId: x.id } }));
  }
}

/** How often an open stream says it is alive and checks that its session still is. */
const HEARTBEAT_MS = 25_000;

/**
 * GET /events: a server-sent event stream of what happens to the caller's robots (status changes,
 * a new QR code to scan, login, logout), so a console updates without polling. Events name the
 * robot; what they change is read with the REST endpoints (GET /robots/{id}, /qrcode).
 */
export function eventEndpoints(
  api: EndpointRouter,
  deps: {
    runtime: Pick<Runtime, 'manager' | 'robots'>;
    /** API keys: a stream opened with a key ends once the key is revoked. */
    keys?: Pick<ApiKeyService, 'get'>;
    people?: Pick<People, 'sessions' | 'auth'>;
    /** Captured mentions: `mention` notices for callers holding mentions.read. */
    mentions?: Pick<MentionService, 'on'>;
    heartbeatMs?: number;
  },
): { close(): void } {
  const hub = new NoticeHub(deps.runtime.manager, deps.mentions);
  /** Open streams, ended at shutdown (an HTTP server waits for its requests to finish). */
  const open = new Set<() => void>();
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
  /** Set at shutdown: new streams are refused. */
  let closed = false;

  /** Whether the caller may see the robot (owner scope); robots are looked up once per stream. */
  const visibility = (principal: Principal) => {
    const seen = new Map<string, Promise<boolean>>();
    return (robotId: string) => {
      let v = seen.get(robotId);
      if (!v) {
        v = deps.runtime.robots.get(robotId).then((r) => r !== null && canSee(principal, r.owner));
        seen.set(robotId, v);
        // A failed lookup (the database away) is not remembered: the next event asks again.
        v.catch(() => seen.delete(robotId));
      }
      return v;
    };
  };

  api.add({
    method: 'get',
    path: '/events',
    tag: 'robots',
    permission: 'robots.read',
    summary: "Server-sent events of the caller's robots: robot (status changes, login, logout), qrcode and mention",
    description:
      'text/event-stream. First `event: ready`; then `event: robot` with `{robotId, status, reason?, retryAt?, wxName?}` ' +
      'and `event: qrcode` with `{robotId, expiresAt}` (read the code with GET /robots/{id}/qrcode); with mentions.read, ' +
      '`event: mention` with `{robotId, mentionId}` for each captured @-mention. A comment line every ' +
      '25 s keeps proxies from closing it; an operator whose session ends gets `event: ended` and the stream closes.',
    produces: 'text/event-stream',
    response: z.string().meta({ description: 'an event stream' }),
    handle: async ({ principal, ctx }) => {
      // Shutting down: no new stream (a browser reconnecting would keep the server from closing).
      if (closed) throw new AppError(503, 'shutting_down', 'qunbot is stopping; reconnect later');
      const stream = new PassThrough();
      const write = (event: string, data: unknown) =>
        stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const visible = visibility(principal);
      const mentionsToo = permits(principal, 'mentions.read');
      const unsubscribe = hub.subscribe((n) => {
        if (n.event === 'mention' && !mentionsToo) return;
        // When the robot cannot be looked up (the database away), the stream ends: the console
        // reconnects and reads afresh rather than missing an event silently.
        void visible(n.robotId).then(
          (ok) => {
            if (ok) write(n.event, { robotId: n.robotId, ...n.data });
          },
          () => close(),
        );
      });
      const session = principal.operator ? principal.keyId : undefined;
      // What the stream was opened with: when operators or roles change, or the key is revoked,
      // the stream ends and the browser reconnects (signed in again with what holds now).
      const version = deps.people?.auth.version;
      const timer = setInterval(() => {
        stream.write(': alive\n\n');
        if (!session && deps.keys)
          void deps.keys.get(principal.keyId).then(
            (key) => {
              if (!key || key.revoked) close();
            },
            () => undefined,
          );
        if (session && deps.people)
          void deps.people.sessions.live(session, false).then(
            (live) => {
              if (!live) {
                write('ended', { reason: 'the session ended: sign in again' });
                stream.end();
              } else if (deps.people?.auth.version !== version) close();
            },
            // The database away: the session is asked again at the next heartbeat.
            () => undefined,
          );
      }, heartbeatMs);
      timer.unref();
      function close() {
        open.delete(close);
        clearInterval(timer);
        unsubscribe();
        stream.end();
      }
      open.add(close);
      ctx.req.on('close', close);
      stream.on('close', close);
      ctx.set('Cache-Control', 'no-cache, no-transform');
      ctx.set('X-Accel-Buffering', 'no');
      // The connection ends with the stream, so a reconnect opens a new one (and shutdown is not kept waiting).
      ctx.set('Connection', 'close');
      ctx.req.socket.setNoDelay(true);
      write('ready', {});
      return stream as unknown as string;
    },
  });

  return {
    close: () => {
      closed = true;
      for (const end of [...open]) end();
    },
  };
}
