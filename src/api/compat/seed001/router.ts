import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { ApiKeyService } from '../../../auth/api-key.service';
import type { Principal } from '../../../http/principal';
import { imageContent, textContent, type OutboundContent } from '../../../bot/content';
import { isRecordId } from '../../../bot/core/ids';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { QrCode, RobotView } from '../../../bot/robot.service';
import type { RoomView } from '../../../bot/room.service';
import type { Runtime } from '../../../bot/runtime';
import type { Logger } from '../../../logger';
import { AppError } from '../../../http/errors';
import { canSee } from '../../../http/access';
import { fail, ok, RetCode, Seed001Error } from './envelope';
import { QrLinks, qrPng } from './qrcode-link';
import { createBody, describeIssues, loginBody, messageBody } from './schemas';

export interface Seed001Deps {
  runtime: Runtime;
  keys: ApiKeyService;
  log: Logger;
  /** Owner of robots created with an admin key (owner keys create for their own owner). */
  adminOwner?: string;
  /** Rejects a callback URL that may not be called (SSRF guard); its message becomes errorMsg. */
  checkCallbackUrl?(url: string): Promise<void>;
  /** Public origin for qrcode_url (e.g. https://bots.example.com); default: the request's own. */
  publicOrigin?: string;
  /** How long a qrcode_url works (default 10 minutes). */
  qrLinkTtlMs?: number;
  /** HMAC secret of qrcode_url links (default: random per process). */
  qrLinkSecret?: string;
  /** How long the QR code link waits for a robot that is still starting to show its code (default 15 s). */
  qrWaitMs?: number;
}

const SOURCE = 'seed001';

/** The robot as the seed shows it. `status` is qunbot's robot status (created, waiting_for_scan, logged_in, ...). */
function robotOut(r: RobotView) {
  return { id: r.id, status: r.status, username: r.username ?? '', nickname: r.wxName ?? '' };
}

const roomOut = (r: RoomView) => ({ id: r.id, nickname: r.topic });

const loggedOut = () => new Seed001Error(RetCode.loggedOut, '微信已经退出登录 (the robot is not logged in)');

function hasBody(ctx: Context): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/** The JSON object body; anything else is -1005. (Malformed JSON never gets here: see envelope.ts.) */
function jsonBody(ctx: Context): Record<string, unknown> {
  if (!hasBody(ctx)) return {};
  if (!ctx.request.is('application/json'))
    throw new Seed001Error(RetCode.badParams, '参数错误: send the body as application/json');
  const body = (ctx.request as unknown as { body?: unknown }).body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new Seed001Error(RetCode.badParams, '参数错误: the body must be a JSON object');
  return body as Record<string, unknown>;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new Seed001Error(RetCode.badParams, `参数错误: ${describeIssues(r.error)}`);
  return r.data;
}

/**
 * Seed 001 robots API at /robots... : a translation onto the runtime's services. Every answer is
 * `{ retCode, errorMsg, data? }`; business errors are HTTP 200 with a non-zero retCode (as the
 * seed's clients expect), unexpected failures HTTP 500 with retCode 1. The `token` is a qunbot
 * API key, from the JSON body or the query string; it is never logged (the request log records
 * the path only).
 */
export function seed001Router(deps: Seed001Deps): Router {
  const rt = deps.runtime;
  const log = deps.log.child({ module: 'seed001' });
  const adminOwner = deps.adminOwner ?? 'seed001';
  const links = new QrLinks(deps.qrLinkTtlMs ?? 10 * 60_000, deps.qrLinkSecret);
  const qrWaitMs = deps.qrWaitMs ?? 15_000;
  const router = new Router();

  async function principalOf(ctx: Context, body: Record<string, unknown>): Promise<Principal> {
    const fromQuery = ctx.query.token;
    const token = typeof body.token === 'string' ? body.token : typeof fromQuery === 'string' ? fromQuery : undefined;
    const principal = token ? await deps.keys.verify(token) : null;
    if (!principal) throw new Seed001Error(RetCode.appNotFound, '应用不存在 (missing or unknown token)');
    return principal;
  }

  /** The robot, or -1006 when it does not exist or is another owner's (indistinguishable on purpose). */
  async function robotOf(principal: Principal, id: string): Promise<RobotView> {
    const robot = await rt.robots.get(id);
    if (!robot || !canSee(principal, robot.owner))
      throw new Seed001Error(RetCode.invalidOperation, '无效操作: no such robot');
    return robot;
  }

  type Handler = (input: {
    ctx: Context;
    body: Record<string, unknown>;
    principal: Principal;
    id: string;
  }) => Promise<unknown>;

  /** Wraps a handler: body and token first, then the envelope for its result or its error. */
  function route(method: 'get' | 'post' | 'delete', path: string, handle: Handler): void {
    router[method](path, async (ctx) => {
      ctx.status = 200;
      try {
        const body = method === 'post' ? jsonBody(ctx) : {};
        const principal = await principalOf(ctx, body);
        const data = await handle({ ctx, body, principal, id: ctx.params.id ?? '' });
        ctx.body = ok(data);
      } catch (err) {
        if (err instanceof Seed001Error) {
          ctx.status = err.status;
          ctx.body = fail(err.retCode, err.message);
          return;
        }
        // Never the request or its token: only the error.
        (ctx.state.log ?? log).error({ err, route: path }, 'seed001 request failed');
        ctx.status = 500;
        ctx.body = fail(RetCode.failed, '请求接口失败 (internal error)');
      }
    });
  }

  // The QR code image: authorised by the signed link from /login, or by ?token=. Declared before
  // the token-wrapped routes because its link carries no token.
  router.get('/robots/:id/qrcode', async (ctx) => {
    try {
      const id = ctx.params.id;
      let robot: RobotView;
      if (links.verify(id, ctx.query.expires, ctx.query.sig)) {
        const found = await rt.robots.get(id);
        if (!found) throw new Seed001Error(RetCode.invalidOperation, '无效操作: no such robot', 404);
        robot = found;
      } else if (ctx.query.token !== undefined) {
        robot = await robotOf(await principalOf(ctx, {}), id).catch((err: unknown) => {
          throw err instanceof Seed001Error
            ? new Seed001Error(err.retCode, err.message, err.retCode === RetCode.appNotFound ? 401 : 404)
            : err;
        });
      } else {
        throw new Seed001Error(
          RetCode.appNotFound,
          '应用不存在 (the link expired or is not valid; call login again)',
          401,
        );
      }
      const qr = await currentQr(robot);
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'image/png';
      ctx.body = await qrPng(qr);
    } catch (err) {
      if (!(err instanceof Seed001Error)) throw err;
      ctx.status = err.status;
      ctx.body = fail(err.retCode, err.message);
    }
  });

  /**
   * The QR code to show: the stored one while waiting for a scan; for a robot still starting,
   * the first one it shows (bounded wait), so a client may open qrcode_url right after login.
   */
  async function currentQr(robot: RobotView): Promise<QrCode> {
    const valid = (r: RobotView) =>
      r.status === 'waiting_for_scan' && r.qr && r.qr.expiresAt.getTime() > rt.clock.now() ? r.qr : undefined;
    if (valid(robot)) return robot.qr as QrCode;
    const noQr = (status: string) =>
      new Seed001Error(RetCode.invalidOperation, `无效操作: no QR code to show (robot is ${status})`, 404);
    if (robot.status !== 'starting' && robot.status !== 'waiting_for_scan') throw noQr(robot.status);
    // Listen before re-reading, so a code shown in between is not missed.
    const waiter = nextQr(robot.id);
    const again = await rt.robots.get(robot.id);
    const stored = again && valid(again);
    if (stored) {
      waiter.cancel();
      return stored;
    }
    const qr = await waiter.shown;
    if (!qr) throw noQr((await rt.robots.get(robot.id))?.status ?? 'gone');
    return qr;
  }

  /** The next QR code the robot shows; undefined if it leaves starting/waiting first or after qrWaitMs. */
  function nextQr(robotId: string): { shown: Promise<QrCode | undefined>; cancel(): void } {
    let finish: (qr: QrCode | undefined) => void = () => undefined;
    const shown = new Promise<QrCode | undefined>((resolve) => {
      const onQr = (e: { robotId: string; qr: QrCode }) => {
        if (e.robotId === robotId) finish(e.qr);
      };
      const onStatus = (e: { robotId: string; status: string }) => {
        if (e.robotId === robotId && e.status !== 'starting' && e.status !== 'waiting_for_scan') finish(undefined);
      };
      const timer = setTimeout(() => finish(undefined), qrWaitMs);
      timer.unref();
      finish = (qr) => {
        clearTimeout(timer);
        rt.manager.off('qrcode', onQr);
        rt.manager.off('status', onStatus);
        resolve(qr);
      };
      rt.manager.on('qrcode', onQr);
      rt.manager.on('status', onStatus);
    });
    return { shown, cancel: () => finish(undefined) };
  }

  route('post', '/robots', async ({ body, principal }) => {
    const { username } = parse(createBody, body);
    const owner = principal.owner ?? adminOwner;
    // Creating is idempotent per owner and WeChat account: a retried request gets the same robot.
    const existing = (await rt.robots.list({ owner })).find((r) => r.username === username);
    const robot = existing ?? (await rt.manager.create({ name: username, owner, username }));
    return { robot: robotOut(robot) };
  });

  route('get', '/robots/:id', async ({ principal, id }) => ({ robot: robotOut(await robotOf(principal, id)) }));

  route('delete', '/robots/:id', async ({ principal, id }) => {
    const robot = await robotOf(principal, id);
    await rt.manager.delete(id);
    return { robot: robotOut(robot) };
  });

  route('post', '/robots/:id/login', async ({ ctx, body, principal, id }) => {
    const input = parse(loginBody, body);
    const before = await robotOf(principal, id);
    if (input.callback_url && deps.checkCallbackUrl) {
      try {
        await deps.checkCallbackUrl(input.callback_url);
      } catch (err) {
        // The guard's 4xx (a refused address) is a parameter error; anything else is a failure.
        if (err instanceof AppError && err.status < 500)
          throw new Seed001Error(RetCode.badParams, `参数错误: callback_url: ${err.message}`);
        throw err;
      }
    }
    const patch = {
      ...(input.agent_id ? { agentCode: input.agent_id } : {}),
      ...(input.callback_url ? { callbackUrl: input.callback_url } : {}),
    };
    if (Object.keys(patch).length > 0) await rt.robots.update(id, patch);
    await rt.manager.start(id);
    // A robot that was already running keeps the record it loaded: have it re-read the new values.
    await rt.manager.refresh(id);
    const robot = await robotOf(principal, id);
    // Binding follows the agent code: re-evaluate it now when the robot is already logged in.
    if (input.agent_id && input.agent_id !== before.agentCode && rt.manager.robot(id)?.status === 'logged_in') {
      await rt.manager
        .syncRooms(id)
        .catch((err: unknown) => log.warn({ err, robotId: id }, 'room rebind after agent_id change failed'));
    }
    // Without a configured public origin, the address the caller used (a relative link if it sent no Host).
    const origin = deps.publicOrigin ?? (ctx.host ? `${ctx.protocol}://${ctx.host}` : '');
    return { robot: robotOut(robot), qrcode_url: robot.status === 'logged_in' ? '' : origin + links.path(id) };
  });

  route('post', '/robots/:id/rooms/sync', async ({ principal, id }) => {
    await robotOf(principal, id);
    if (rt.manager.robot(id)?.status !== 'logged_in') throw loggedOut();
    try {
      const result = await rt.manager.syncRooms(id);
      return { rooms: result.rooms.map(roomOut) };
    } catch (err) {
      // Logged out between the check and the sync.
      if (err instanceof RobotNotFoundError || (err as Error).name === 'NotReadyError') throw loggedOut();
      throw err;
    }
  });

  route('get', '/robots/:id/rooms', async ({ principal, id }) => {
    await robotOf(principal, id);
    return { rooms: (await rt.rooms.list(id, { present: true })).map(roomOut) };
  });

  route('get', '/robots/:id/rooms/active', async ({ principal, id }) => {
    await robotOf(principal, id);
    const rooms = await rt.rooms.list(id, { present: true, bound: true });
    return { rooms: rooms.map((r) => ({ username: r.puppetId, nickname: r.topic })) };
  });

  route('post', '/robots/:id/message', async ({ body, principal, id }) => {
    const input = parse(messageBody, body);
    const content: OutboundContent =
      input.msg_type === 'text'
        ? parse(textContent, { type: 'text', text: input.content })
        : parse(imageContent, { type: 'image', url: input.content });
    await robotOf(principal, id);
    if (rt.manager.robot(id)?.status !== 'logged_in') throw loggedOut();
    const room = await findRoom(id, input.to_user);
    if (!room) throw new Seed001Error(RetCode.roomNotFound, '微信群不存在 (no such room for this robot)');
    try {
      const ticket = await rt.manager.send(id, {
        conversationId: room.puppetId,
        roomId: room.id,
        content,
        source: SOURCE,
      });
      // Queued, not yet sent: the outbox paces sends. The id names the send in qunbot's send log.
      return { message_id: ticket.record.id };
    } catch (err) {
      if (err instanceof RobotNotFoundError) throw loggedOut();
      if (err instanceof OutboxFullError)
        throw new Seed001Error(RetCode.sendFailed, '消息发送失败: the send queue is full, try again later');
      throw err;
    }
  });

  route('post', '/robots/:id/logout', async ({ principal, id }) => {
    await robotOf(principal, id);
    if (rt.manager.robot(id)?.status !== 'logged_in') throw loggedOut();
    try {
      await rt.manager.logout(id);
    } catch (err) {
      if (err instanceof RobotNotFoundError) throw loggedOut();
      throw err;
    }
    return undefined;
  });

  /** `to_user`: qunbot's room id (the seed's room_id) or the puppet's id for the room (username). */
  async function findRoom(robotId: string, toUser: string): Promise<RoomView | undefined> {
    if (isRecordId(toUser)) {
      const room = await rt.rooms.get(toUser);
      if (room && room.robotId === robotId && room.present) return room;
    }
    const cached = rt.rooms.peek(robotId, toUser);
    if (cached?.present) return cached;
    return (await rt.rooms.list(robotId, { present: true })).find((r) => r.puppetId === toUser);
  }

  return router;
}
