import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { imageContent, miniProgramContent, textContent, type OutboundContent } from '../../../bot/content';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { Runtime } from '../../../bot/runtime';
import type { Logger } from '../../../logger';
import type { BotBindings } from './bot-bindings';
import type { Seed003Channel } from './channels';
import { answer, RtCode, Seed003Error, seed003Name, type Answer } from './envelope';
import type { MsgIds } from './msg-ids';
import type { Seed003Notifier } from './notifier';
import type { Outcome, ReplayStore } from './replay-store';
import {
  describeIssues,
  emptyBody,
  headChannel,
  reqHead,
  roomSendAppBody,
  roomSendImageBody,
  roomSendTextBody,
  type ReqHead,
} from './schemas';
import { SIGNATURE_HEADER, SIGNATURE_TYPE_HEADER, signatureHeaderProblem, verifySeed003Signature } from './signature';
import { checkTxtime } from './txtime';

export interface Seed003RouterDeps {
  runtime: Pick<Runtime, 'manager' | 'robots' | 'rooms' | 'clock'>;
  channels: ReadonlyMap<string, Seed003Channel>;
  replay: ReplayStore;
  bindings: BotBindings;
  msgIds: MsgIds;
  notifier: Seed003Notifier;
  /** Time zone of txtime (config.timeZone). */
  timeZone: string;
  txtimeWindowSec: number;
  log: Logger;
}

const SOURCE = 'seed003';
const OK = '成功';

/** A send request, validated before anything is done: the room's topic and what to send. */
interface SendPlan {
  roomTopic: string | undefined;
  content: OutboundContent;
}

/** One interface: its reqBody, checked before the txcode is claimed, and what it does. */
interface Interface<P> {
  parse(reqBody: unknown): P;
  act(input: { channel: Seed003Channel; head: ReqHead; plan: P }): Promise<Outcome>;
}

function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  rename: Record<string, string> = {},
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new Seed003Error(RtCode.badField, `参数错误: ${describeIssues(r.error, where, rename)}`, 400);
}

/**
 * Seed 003 (WXRC) at POST /api/<name>: every answer is the seed envelope (envelope.ts). A request
 * is checked in this order, and refused with nothing written at the first failure: method,
 * interface name, JSON object body, signature headers, chid, signature over the raw body,
 * reqHead, txtime window, reqBody. Then its txcode is claimed (replay-store.ts) and it acts once.
 * Nothing of the request is logged but its path (the request log) and failures.
 */
export function seed003Router(deps: Seed003RouterDeps): Router {
  const rt = deps.runtime;
  const log = deps.log.child({ module: 'seed003' });
  const router = new Router();

  /** The robot bound to the botcode, else 3001. */
  async function boundRobot(channel: Seed003Channel, botcode: string): Promise<string> {
    const robotId = await deps.bindings.find(channel.chid, botcode);
    if (!robotId)
      throw new Seed003Error(
        RtCode.unknownBot,
        '机器人不存在 (botcode is not bound to a robot of this channel; call login first)',
      );
    return robotId;
  }

  const loggedIn = (robotId: string) => rt.manager.robot(robotId)?.status === 'logged_in';

  /** Queues a send in the robot's outbox (never sends directly): msgid, sendStatus 0, or 2 without a room. */
  async function send(channel: Seed003Channel, head: ReqHead, plan: SendPlan): Promise<Outcome> {
    const robotId = await boundRobot(channel, head.botcode);
    if (!loggedIn(robotId))
      throw new Seed003Error(RtCode.notLoggedIn, '机器人未登录 (the robot is not logged in; call login)');
    const room = plan.roomTopic ? await rt.rooms.findByTopic(robotId, plan.roomTopic) : null;
    const msgid = await deps.msgIds.next(channel.chid);
    if (!room) {
      const why = plan.roomTopic ? 'no room of this robot has that topic' : 'no roomTopic given';
      return {
        answer: answer(RtCode.ok, `群不存在，将不会发送 (${why})`, { msgid, sendStatus: '2' }),
        meta: { robotId, msgid },
      };
    }
    try {
      const ticket = await rt.manager.send(robotId, {
        conversationId: room.puppetId,
        roomId: room.id,
        content: plan.content,
        source: SOURCE,
      });
      return {
        answer: answer(RtCode.ok, OK, { msgid, sendStatus: '0' }),
        meta: { robotId, msgid, sendId: ticket.record.id },
      };
    } catch (err) {
      if (err instanceof RobotNotFoundError)
        throw new Seed003Error(RtCode.notLoggedIn, '机器人未登录 (the robot is not running; call login)');
      if (err instanceof OutboxFullError)
        throw new Seed003Error(
          RtCode.queueFull,
          '发送队列已满 (the send queue is full; try again later with a new txcode)',
        );
      throw err;
    }
  }

  const interfaces: Record<string, Interface<unknown>> = {
    login: {
      parse: (b) => parse(emptyBody, b, 'reqBody'),
      async act({ channel, head }) {
        const { robotId } = await deps.bindings.ensure(channel, head.botcode);
        const before = rt.manager.robot(robotId)?.status;
        await rt.manager.start(robotId);
        // Already logged in: no QR code will come, so say so now (the seed's second login case).
        // Already showing a QR code: send it again, the first notification may have been missed.
        const robot = before === 'logged_in' || before === 'waiting_for_scan' ? await rt.robots.get(robotId) : null;
        if (robot && before === 'logged_in') {
          await deps.notifier.toChannel(channel, head.botcode, robotId, {
            event: 'login',
            ...(robot.wxId ? { wxId: robot.wxId } : {}),
            ...(robot.wxName ? { wxName: robot.wxName } : {}),
          });
        } else if (robot?.qr && robot.status === 'waiting_for_scan' && robot.qr.expiresAt.getTime() > rt.clock.now()) {
          await deps.notifier.toChannel(channel, head.botcode, robotId, { event: 'qrcode', qr: robot.qr });
        }
        return { answer: answer(RtCode.ok, OK), meta: { robotId } };
      },
    },
    botStatus: {
      parse: (b) => parse(emptyBody, b, 'reqBody'),
      async act({ channel, head }) {
        const robotId = await boundRobot(channel, head.botcode);
        return {
          answer: answer(RtCode.ok, OK, { botStatus: loggedIn(robotId) ? 'login' : 'logout' }),
          meta: { robotId },
        };
      },
    },
    roomSendText: {
      parse(b): SendPlan {
        const body = parse(roomSendTextBody, b, 'reqBody');
        // The seed's "fake @": names put in front of the text as WeChat writes a mention
        // (@name and a four-per-em space); members are not looked up, so nobody is notified.
        const at = (body.atList ?? []).map((n) => `@${n}\u2005`).join('');
        return {
          roomTopic: body.roomTopic,
          content: parse(textContent, { type: 'text', text: at + body.text }, 'reqBody'),
        };
      },
      act: ({ channel, head, plan }) => send(channel, head, plan as SendPlan),
    },
    roomSendApp: {
      parse(b): SendPlan {
        const body = parse(roomSendAppBody, b, 'reqBody');
        const card = {
          type: 'miniprogram',
          appid: body.appid,
          username: body.username,
          title: body.title,
          ...(body.pagepath ? { pagePath: body.pagepath } : {}),
          ...(body.description ? { description: body.description } : {}),
          ...(body.thumbnailUrl ? { thumbUrl: body.thumbnailUrl } : {}),
        };
        return {
          roomTopic: body.roomTopic,
          content: parse(miniProgramContent, card, 'reqBody', { pagePath: 'pagepath', thumbUrl: 'thumbnailUrl' }),
        };
      },
      act: ({ channel, head, plan }) => send(channel, head, plan as SendPlan),
    },
    roomSendImage: {
      parse(b): SendPlan {
        const body = parse(roomSendImageBody, b, 'reqBody');
        return {
          roomTopic: body.roomTopic,
          content: parse(imageContent, { type: 'image', url: body.imageUrl }, 'reqBody', { url: 'imageUrl' }),
        };
      },
      act: ({ channel, head, plan }) => send(channel, head, plan as SendPlan),
    },
  };

  /** Everything up to the claim: refusals throw Seed003Error and change nothing. */
  async function handle(ctx: Context, name: string): Promise<{ answer: Answer; replayed: boolean }> {
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      throw new Seed003Error(RtCode.badMethod, '请求方式错误 (only POST is answered)', 405);
    }
    const iface = Object.hasOwn(interfaces, name) ? interfaces[name] : undefined;
    if (!iface) throw new Seed003Error(RtCode.unknownInterface, `接口不存在 (no interface ${name})`, 404);

    if (!ctx.request.is('application/json'))
      throw new Seed003Error(RtCode.badBody, '报文格式错误 (send the body as application/json)', 415);
    const raw = (ctx.request as unknown as { rawBody?: unknown }).rawBody;
    const body = (ctx.request as unknown as { body?: unknown }).body;
    // An empty body parses as {}: it is still not a JSON object on the wire.
    if (typeof raw !== 'string' || raw.trim() === '' || !body || typeof body !== 'object' || Array.isArray(body))
      throw new Seed003Error(RtCode.badBody, '报文格式错误 (the body must be a JSON object)', 400);

    const problem = signatureHeaderProblem(
      ctx.get(SIGNATURE_HEADER) || undefined,
      ctx.get(SIGNATURE_TYPE_HEADER) || undefined,
    );
    if (problem === 'missing_signature')
      throw new Seed003Error(RtCode.signatureMissing, '签名缺失 (X-Ecaspsplus-Signature is missing)', 401);
    if (problem)
      throw new Seed003Error(RtCode.signatureMissing, '签名类型错误 (X-Ecaspsplus-SignatureType must be MD5)', 401);

    const { chid } = parse(headChannel, body, 'body').reqHead;
    const channel = deps.channels.get(chid);
    if (!channel) throw new Seed003Error(RtCode.unknownChannel, '渠道不存在 (unknown chid)', 401);
    if (!verifySeed003Signature(raw, channel.key, ctx.get(SIGNATURE_HEADER)))
      throw new Seed003Error(
        RtCode.badSignature,
        '签名错误 (the signature does not match the body and the channel key)',
        401,
      );

    // Authenticated from here on.
    const head = parse(reqHead, (body as { reqHead: unknown }).reqHead, 'reqHead');
    const time = checkTxtime(head.txtime, rt.clock.now(), deps.timeZone, deps.txtimeWindowSec);
    if (!time.ok && time.reason === 'invalid')
      throw new Seed003Error(RtCode.badField, '参数错误: reqHead.txtime: not a valid yyyymmddhhmmss', 400);
    if (!time.ok)
      throw new Seed003Error(
        RtCode.staleTxtime,
        `请求时间超出允许范围 (txtime is more than ${deps.txtimeWindowSec} s from the server's time)`,
        401,
      );
    const plan = iface.parse((body as { reqBody?: unknown }).reqBody);

    return deps.replay.run({ chid, day: time.day, txcode: head.txcode }, name, async () => {
      try {
        return await iface.act({ channel, head, plan });
      } catch (err) {
        // Business errors are answers too: remembered for the txcode like any other.
        if (err instanceof Seed003Error) return { answer: err.toAnswer() };
        throw err;
      }
    });
  }

  router.all('/api/:name', async (ctx, next) => {
    const name = seed003Name(ctx.path);
    if (name === null) return next();
    let result: Answer;
    try {
      const { answer: a, replayed } = await handle(ctx, name);
      if (replayed) ctx.set('X-Qunbot-Replayed', '1');
      result = a;
    } catch (err) {
      if (err instanceof Seed003Error) result = err.toAnswer();
      else {
        // Never the request body: only the error and the interface.
        (ctx.state.log ?? log).error({ err, interface: name }, 'seed003 request failed');
        result = answer(
          RtCode.internal,
          '系统繁忙 (internal error; nothing was done, the same request may be sent again)',
          {},
          503,
        );
      }
    }
    ctx.status = result.status;
    ctx.body = result.body;
  });

  return router;
}
