import type { RobotStatus } from '../../../bot/core/robot-state';
import type { RobotView } from '../../../bot/robot.service';
import type { RoomView } from '../../../bot/room.service';
import type { Runtime } from '../../../bot/runtime';
import { ownerOf, platformOwnerPrefix } from './platforms';

/** What the dialect reads of the runtime. */
export type RobotsRuntime = Pick<Runtime, 'robots' | 'rooms' | 'manager'>;

/**
 * The robot's status now. Only a robot running in a live process runs anything: one that runs
 * nowhere is not logged in, whatever its stored record still says (e.g. after a crash).
 */
export function liveStatus(rt: Pick<Runtime, 'manager'>, robotId: string): Promise<RobotStatus | undefined> {
  return rt.manager.statusOf(robotId);
}

/** The live statuses of several robots (see liveStatus). */
export async function liveStatuses(
  rt: Pick<Runtime, 'manager'>,
  robotIds: readonly string[],
): Promise<Map<string, RobotStatus | undefined>> {
  return new Map(await Promise.all(robotIds.map(async (id) => [id, await liveStatus(rt, id)] as const)));
}

/** A platform user's robots, in creation order. */
export function userRobots(rt: Pick<Runtime, 'robots'>, platformId: string, mdUsername: string): Promise<RobotView[]> {
  return rt.robots.list({ owner: ownerOf(platformId, mdUsername) });
}

/** Every robot of a platform's users in creation order; `loggedIn`: only those logged in now. */
export async function platformRobots(
  rt: Pick<Runtime, 'robots' | 'manager'>,
  platformId: string,
  opts: { loggedIn?: boolean } = {},
): Promise<RobotView[]> {
  const prefix = platformOwnerPrefix(platformId);
  // A robot logged in now has its stored status logged_in too (it is saved before the event), so
  // that filter only narrows the read; the live status decides.
  const all = (await rt.robots.list(opts.loggedIn ? { status: 'logged_in' } : {})).filter((r) =>
    r.owner.startsWith(prefix),
  );
  if (!opts.loggedIn) return all;
  const statuses = await liveStatuses(
    rt,
    all.map((r) => r.id),
  );
  return all.filter((r) => statuses.get(r.id) === 'logged_in');
}

/** Statuses of a login under way: the robot shows, or is about to show, a QR code. */
const IN_PROGRESS: ReadonlySet<RobotStatus | undefined> = new Set<RobotStatus | undefined>([
  'starting',
  'waiting_for_scan',
  'logged_out',
]);

/**
 * getqrcode's choice among a user's robots (in creation order): never one logged in; first one
 * whose login is under way (a retried request gets the same QR code), then one that never logged
 * in (no WeChat account yet), then the first other one (offline, stopped, failed). Undefined:
 * every robot is logged in (or there is none), so a new one is needed.
 */
export function pickRobotToLogin(
  robots: readonly RobotView[],
  status: (robotId: string) => RobotStatus | undefined,
): RobotView | undefined {
  const rank = (r: RobotView): number => (IN_PROGRESS.has(status(r.id)) ? 0 : !r.wxId ? 1 : 2);
  let best: RobotView | undefined;
  for (const r of robots) {
    if (status(r.id) === 'logged_in') continue;
    if (!best || rank(r) < rank(best)) best = r;
  }
  return best;
}

/**
 * The robot that stands for a WeChat account when several robot records had it (the account was
 * logged in again through another robot): the one logged in now, else the one that logged in
 * last, else the first.
 */
export function pickAccountRobot(
  candidates: readonly RobotView[],
  loggedIn: (robotId: string) => boolean,
): RobotView | undefined {
  const online = candidates.find((r) => loggedIn(r.id));
  if (online) return online;
  let best: RobotView | undefined;
  for (const r of candidates) {
    if (!best || (r.loggedInAt?.getTime() ?? 0) > (best.loggedInAt?.getTime() ?? 0)) best = r;
  }
  return best;
}

/** The platform's robot that is WeChat account `wxId` (among `mdUsername`'s robots when given). */
export async function robotByWxId(
  rt: RobotsRuntime,
  platformId: string,
  wxId: string,
  mdUsername?: string,
): Promise<RobotView | undefined> {
  const robots =
    mdUsername === undefined ? await platformRobots(rt, platformId) : await userRobots(rt, platformId, mdUsername);
  const same = robots.filter((r) => r.wxId === wxId);
  const statuses = await liveStatuses(
    rt,
    same.map((r) => r.id),
  );
  return pickAccountRobot(same, (id) => statuses.get(id) === 'logged_in');
}

/** A room a broadcast goes to, and the robot that sends it. */
export interface BroadcastTarget {
  robotId: string;
  roomId: string;
  /** The WeChat room id (`xxx@chatroom`): the conversation to send to. */
  puppetId: string;
  topic: string;
}

/**
 * One target per WeChat room: a room that several robots are in (and flagged production in
 * each) is sent to once, through the first robot in the given order.
 */
export function uniqueRooms(byRobot: readonly { robotId: string; rooms: readonly RoomView[] }[]): BroadcastTarget[] {
  const seen = new Set<string>();
  const out: BroadcastTarget[] = [];
  for (const { robotId, rooms } of byRobot) {
    for (const room of rooms) {
      if (seen.has(room.puppetId)) continue;
      seen.add(room.puppetId);
      out.push({ robotId, roomId: room.id, puppetId: room.puppetId, topic: room.topic });
    }
  }
  return out;
}

/**
 * send_msg's targets (seed: 向该平台所有已登录用户的生产群发送消息): the production rooms (still
 * present) of every robot of the platform that is logged in now, whichever user it belongs to,
 * one target per WeChat room. Robots in creation order, rooms by topic.
 */
export async function productionTargets(rt: RobotsRuntime, platformId: string): Promise<BroadcastTarget[]> {
  const robots = await platformRobots(rt, platformId, { loggedIn: true });
  const byRobot = await Promise.all(
    robots.map(async (r) => ({ robotId: r.id, rooms: await rt.rooms.list(r.id, { present: true, production: true }) })),
  );
  return uniqueRooms(byRobot);
}
