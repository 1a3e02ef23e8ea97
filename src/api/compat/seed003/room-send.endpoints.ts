import { imageContent, miniProgramContent, textContent, type OutboundContent } from '../../../bot/content';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { Seed003Channel } from './channels';
import { answer, RtCode, Seed003Error } from './envelope';
import { boundRobot, iface, loggedIn, parse, type InterfaceDeps, type InterfaceFactory } from './endpoint';
import type { Outcome } from './replay.service';
import { roomSendAppBody, roomSendImageBody, roomSendTextBody, type ReqHead } from './schemas';

const SOURCE = 'seed003';

/** A send request, validated before anything is done: the room's topic and what to send. */
interface SendPlan {
  roomTopic: string | undefined;
  content: OutboundContent;
}

/** Queues a send in the robot's outbox (never sends directly): msgid, sendStatus 0, or 2 without a room. */
async function send(deps: InterfaceDeps, channel: Seed003Channel, head: ReqHead, plan: SendPlan): Promise<Outcome> {
  const rt = deps.runtime;
  const robotId = await boundRobot(deps, channel, head.botcode);
  if (!loggedIn(deps, robotId))
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
      answer: answer(RtCode.ok, '成功', { msgid, sendStatus: '0' }),
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
          content: parse(miniProgramContent, card, 'reqBody', { pagePath: 'pagepath', thumbUrl: 'thumbnailUrl' }),
        };
      },
      act,
    }),
    roomSendImage: iface({
      parse(b): SendPlan {
        const body = parse(roomSendImageBody, b, 'reqBody');
        return {
          roomTopic: body.roomTopic,
          content: parse(imageContent, { type: 'image', url: body.imageUrl }, 'reqBody', { url: 'imageUrl' }),
        };
      },
      act,
    }),
  };
};
