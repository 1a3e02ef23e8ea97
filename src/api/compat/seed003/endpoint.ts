import type { ReplayStore } from './replay.service';
import type { z } from 'zod';
import type { Runtime } from '../../../bot/runtime';
import type { BotBindings } from './bot-binding.service';
import type { Seed003Channel } from './channels';
import { RtCode, Seed003Error } from './envelope';
import type { MsgIds } from './msg-id.service';
import type { Seed003Notifier } from './notifier';
import type { Outcome } from './replay.service';
import { describeIssues, type ReqHead } from './schemas';

/** What interfaces get besides their request. */
export interface InterfaceDeps {
  runtime: Pick<Runtime, 'manager' | 'robots' | 'rooms' | 'clock' | 'sendLog'>;
  /** How long a send interface waits for the send to go out before answering sendStatus "0" (queued). */
  sendWaitMs?: number;
  /** msgStatus: the send a channel's msgid queued. */
  replay?: Pick<ReplayStore, 'byMsgid'>;
  bindings: Pick<BotBindings, 'find' | 'ensure'>;
  msgIds: Pick<MsgIds, 'next'>;
  notifier: Pick<Seed003Notifier, 'toChannel'>;
}

/**
 * One interface (POST /api/<name>): its reqBody, checked before the txcode is claimed, and what
 * it does once the request is authenticated and its txcode claimed. Throw Seed003Error for a
 * business error (remembered for the txcode like any answer).
 */
export interface Seed003Interface<P = unknown> {
  parse(reqBody: unknown): P;
  act(input: { channel: Seed003Channel; head: ReqHead; plan: P }): Promise<Outcome>;
}

/** The interfaces of one concern, by name, given the dependencies. */
export type InterfaceFactory = (deps: InterfaceDeps) => Record<string, Seed003Interface>;

/** Keeps the plan type while declaring an interface. */
export function iface<P>(i: Seed003Interface<P>): Seed003Interface {
  return i as Seed003Interface;
}

/** The value, or 1002 naming the fields at fault (`rename` maps the runtime's field names to the seed's). */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  rename: Record<string, string> = {},
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new Seed003Error(RtCode.badField, `参数错误: ${describeIssues(r.error, where, rename)}`, 400);
}

/** The robot bound to the botcode, else 3001. */
export async function boundRobot(deps: InterfaceDeps, channel: Seed003Channel, botcode: string): Promise<string> {
  const robotId = await deps.bindings.find(channel.chid, botcode);
  if (!robotId)
    throw new Seed003Error(
      RtCode.unknownBot,
      '机器人不存在 (botcode is not bound to a robot of this channel; call login first)',
    );
  return robotId;
}

/** True when the robot is running (in this process or another) and logged in to WeChat. */
export const loggedIn = async (deps: InterfaceDeps, robotId: string): Promise<boolean> =>
  (await deps.runtime.manager.statusOf(robotId)) === 'logged_in';
