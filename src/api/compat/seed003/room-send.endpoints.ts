import { imageContent, miniProgramContent, textContent, type OutboundContent } from '../../../bot/content';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { Seed003Channel } from './channels';
import { answer, RtCode, Seed003Error } from './envelope';
import { boundRobot, iface, loggedIn, parse, type InterfaceDeps, type InterfaceFactory } from './endpoint';
import type { Outcome } from './replay.service';
import { msgStatusBody, roomSendAppBody, roomSendImageBody, roomSendTextBody, type ReqHead } from './schemas';
import type { SendRecord } from '../../../bot/send-log.service';
import { sendResultKey } from './notifier';

const SOURCE = 'seed003';

/** A send request, validated before anything is done: the room's topic and what to send. */
interface SendPlan {
  roomTopic: string | undefined;
  /** A qunbot addition: narrows the topic's rooms to this one (WeChat room id or qunbot room id). */
  roomId?: string | undefined;
  content: OutboundContent;
}

/** Which room a send goes to, or why none: the seed's sendStatus 2 family. */
export type RoomChoice<R> = { room: R } | { none: 'no_topic' | 'no_room' } | { ambiguous: number };

/**
 * The seed names a room by its topic, which WeChat does not keep unique. One room with that
 * topic (after narrowing by `roomId`, if given) is the target; none, or several (never a guess),
 * is not sent.
 */
export function chooseRoom<R extends { id: string; puppetId: string }>(
  plan: Pick<SendPlan, 'roomTopic' | 'roomId'>,
  withTopic: readonly R[],
): RoomChoice<R> {
  if (!plan.roomTopic) return { none: 'no_topic' };
  const rooms = plan.roomId ? withTopic.filter((r) => r.id === plan.roomId || r.puppetId === plan.roomId) : withTopic;
  if (rooms.length === 0) return { none: 'no_room' };
  if (rooms.length > 1) return { ambiguous: rooms.length };
  return { room: rooms[0] as R };
}

/** Default of sendWaitMs: the outbox paces a robot's sends about 2 s apart. */
const DEFAULT_SEND_WAIT_MS = 3000;

/**
 * The seed's sendStatus of a send: "1" sent, "0" still queued (or being sent), "3" failed (a
 * qunbot addition: the puppet refused it, the room was gone, or the outcome is unknown after a
 * crash). "2" (no such group) is decided before anything is queued.
 */
export function sendStatusOf(record: Pick<SendRecord, 'status'> | null | undefined): '0' | '1' | '3' {
  if (!record || record.status === 'queued' || record.status === 'sending') return '0';
  return record.status === 'sent' ? '1' : '3';
}

/** The send's outcome if it settles within `ms`, else undefined (it goes on in the outbox). */
async function settledWithin(deps: InterfaceDeps, settled: Promise<SendRecord>, ms: number) {
  if (ms <= 0) return undefined;
  const timer = new AbortController();
  const waited = deps.runtime.clock.sleep(ms, timer.signal).then(
    () => undefined,
    () => undefined,
  );
  try {
    return await Promise.race([settled, waited]);
  } finally {
    timer.abort();
  }
}

const NOT_SENT: Record<'no_topic' | 'no_room', string> = {
  no_topic: '群不存在，将不会发送 (no roomTopic given)',
  no_room: '群不存在，将不会发送 (no room of this robot has that topic)',
};

/** Queues a send in the robot's outbox (never sends directly): msgid, sendStatus 0, or 2 without a room. */
async function send(deps: InterfaceDeps, channel: Seed003Channel, head: ReqHead, plan: SendPlan): Promise<Outcome> {
  const rt = deps.runtime;
  const robotId = await boundRobot(deps, channel, head.botcode);
  if (!(await loggedIn(deps, robotId)))
    throw new Seed003Error(RtCode.notLoggedIn, '机器人未登录 (the robot is not logged in; call login)');
  const choice = chooseRoom(plan, plan.roomTopic ? await rt.rooms.listByTopic(robotId, plan.roomTopic) : []);
  const msgid = await deps.msgIds.next(channel.chid);
  if (!('room' in choice)) {
    const rtMsg =
      'none' in choice
        ? NOT_SENT[choice.none]
        : `群名不唯一，将不会发送 (${choice.ambiguous} rooms of this robot have that topic; add reqBody.roomId, the room's WeChat id, to choose)`;
    return { answer: answer(RtCode.ok, rtMsg, { msgid, sendStatus: '2' }), meta: { robotId, msgid } };
  }
  const room = choice.room;
  try {
    const ticket = await rt.manager.send(robotId, {
      conversationId: room.puppetId,
      roomId: room.id,
      content: plan.content,
      source: SOURCE,
    });
    // The seed's sendStatus "1" (sent) when the send goes out within the wait; else "0" (queued):
    // msgStatus tells its outcome later.
    const done = await settledWithin(deps, ticket.settled, deps.sendWaitMs ?? DEFAULT_SEND_WAIT_MS);
    // Answered "0": the outcome is notified when it comes (channels with a notifyUrl); here when
    // this process sees it, and by followSendResults from the send log in any process, after a
    // restart too (one key: queued once). msgStatus answers it in any case.
    if (!done && channel.notifyUrl)
      void ticket.settled
        .then((r) =>
          deps.notifier.toChannel(
            channel,
            head.botcode,
            robotId,
            {
              event: 'sendResult',
              msgid,
              sendStatus: sendStatusOf(r),
            },
            sendResultKey(ticket.record.id),
          ),
        )
        .catch(() => undefined);
    return {
      answer: answer(RtCode.ok, '成功', { msgid, sendStatus: sendStatusOf(done) }),
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

/** roomSendText, roomSendApp (a mini program card) and roomSendImage: a send to the room with that topic. */
export const roomSendInterfaces: InterfaceFactory = (deps) => {
  const act = ({ channel, head, plan }: { channel: Seed003Channel; head: ReqHead; plan: SendPlan }) =>
    send(deps, channel, head, plan);
  return {
    roomSendText: iface({
      parse(b): SendPlan {
        const body = parse(roomSendTextBody, b, 'reqBody');
        // The seed's "fake @": names put in front of the text as WeChat writes a mention
        // (@name and a four-per-em space); members are not looked up, so nobody is notified.
        const at = (body.atList ?? []).map((n) => `@${n}\u2005`).join('');
        return {
          roomTopic: body.roomTopic,
          roomId: body.roomId,
          content: parse(textContent, { type: 'text', text: at + body.text }, 'reqBody'),
        };
      },
      act,
    }),
    roomSendApp: iface({
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
          roomId: body.roomId,
          content: parse(miniProgramContent, card, 'reqBody', { pagePath: 'pagepath', thumbUrl: 'thumbnailUrl' }),
        };
      },
      act,
    }),
    // A qunbot addition: the outcome of an earlier send by its msgid (kept 3 days).
    msgStatus: iface({
      parse: (b) => parse(msgStatusBody, b, 'reqBody'),
      async act({ channel, plan }) {
        const found = await deps.replay?.byMsgid(channel.chid, plan.msgid);
        if (!found)
          throw new Seed003Error(RtCode.unknownMsgid, `消息不存在 (no msgid ${plan.msgid} for this channel in 3 days)`);
        const sendStatus = found.sendId ? sendStatusOf(await deps.runtime.sendLog.get(found.sendId)) : '2';
        return { answer: answer(RtCode.ok, '成功', { msgid: plan.msgid, sendStatus }) };
      },
    }),
    roomSendImage: iface({
      parse(b): SendPlan {
        const body = parse(roomSendImageBody, b, 'reqBody');
        return {
          roomTopic: body.roomTopic,
          roomId: body.roomId,
          content: parse(imageContent, { type: 'image', url: body.imageUrl }, 'reqBody', { url: 'imageUrl' }),
        };
      },
      act,
    }),
  };
};
