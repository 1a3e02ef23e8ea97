import type { Principal } from '../../auth/api-key.service';
import type { RobotView } from '../../bot/robot.service';
import type { Runtime } from '../../bot/runtime';
import type { RoomView } from '../../bot/room.service';
import { AppError, forbidden, notFound } from '../../http/errors';

/** True when the caller may see things of `owner` (admin keys see every owner). */
export function canSee(p: Principal, owner: string): boolean {
  return p.admin || p.owner === owner;
}

/** The owner filter of a list: the key's owner, or what an admin asked for (undefined: all). */
export function ownerFilter(p: Principal, asked?: string): string | undefined {
  if (p.admin) return asked;
  if (asked !== undefined && asked !== p.owner) throw forbidden('this key is limited to its own owner');
  return p.owner;
}

/** The owner new things are created for: an owner key's own; an admin must name one. */
export function ownerForCreate(p: Principal, asked?: string): string {
  if (!p.admin) {
    if (asked !== undefined && asked !== p.owner) throw forbidden('this key is limited to its own owner');
    return p.owner as string;
  }
  if (!asked)
    throw new AppError(400, 'invalid_request', 'an admin key must name the owner', [
      { in: 'body', path: 'owner', code: 'missing', message: 'required for admin keys' },
    ]);
  return asked;
}

/** The robot, or 404 when it does not exist or belongs to another owner. */
export async function visibleRobot(rt: Pick<Runtime, 'robots'>, p: Principal, id: string): Promise<RobotView> {
  const robot = await rt.robots.get(id);
  if (!robot || !canSee(p, robot.owner)) throw notFound('robot');
  return robot;
}

/** The room with its robot, or 404 likewise. */
export async function visibleRoom(
  rt: Pick<Runtime, 'robots' | 'rooms'>,
  p: Principal,
  id: string,
): Promise<{ room: RoomView; robot: RobotView }> {
  const room = await rt.rooms.get(id);
  const robot = room && (await rt.robots.get(room.robotId));
  if (!room || !robot || !canSee(p, robot.owner)) throw notFound('room');
  return { room, robot };
}
