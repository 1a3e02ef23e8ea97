import { AppError, forbidden, notFound } from './errors';
import type { Principal } from './principal';

/** Looks records up by id (the robot and room services have this shape). */
interface Lookup<T> {
  get(id: string): Promise<T | null>;
}
type Owned = { owner: string };
type InRobot = { id: string; robotId: string };

/*
 * Owner scoping of the HTTP APIs: which owner's robots, rooms and rules a caller may see or
 * change. Another owner's record and a missing one are answered alike (404), so ids do not leak.
 */

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
export async function visibleRobot<R extends Owned>(rt: { robots: Lookup<R> }, p: Principal, id: string): Promise<R> {
  const robot = await rt.robots.get(id);
  if (!robot || !canSee(p, robot.owner)) throw notFound('robot');
  return robot;
}

/** The room with its robot, or 404 likewise. */
export async function visibleRoom<Rm extends InRobot, R extends Owned>(
  rt: { robots: Lookup<R>; rooms: Lookup<Rm> },
  p: Principal,
  id: string,
): Promise<{ room: Rm; robot: R }> {
  const room = await rt.rooms.get(id);
  const robot = room && (await rt.robots.get(room.robotId));
  if (!room || !robot || !canSee(p, robot.owner)) throw notFound('room');
  return { room, robot };
}

/**
 * The owner a request acts for where nothing in it implies one (settings per owner): an owner
 * key's own; an admin key must name it (`where`: the query or the body).
 */
export function namedOwner(p: Principal, asked: string | undefined, where: 'query' | 'body'): string {
  if (!p.admin) {
    if (asked !== undefined && asked !== p.owner) throw forbidden('this key is limited to its own owner');
    return p.owner as string;
  }
  if (!asked)
    throw new AppError(400, 'invalid_request', 'an admin key must name the owner', [
      { in: where, path: 'owner', code: 'missing', message: 'required for admin keys' },
    ]);
  return asked;
}

/**
 * Rejects rule scopes naming rooms that are not the owner's (another owner's room and a missing
 * one look the same): a rule must not reach into rooms its owner cannot see.
 */
export async function checkOwnRooms(
  rt: { robots: Lookup<Owned>; rooms: Lookup<InRobot> },
  owner: string,
  roomIds: readonly string[] | undefined,
): Promise<void> {
  if (!roomIds || roomIds.length === 0) return;
  const robotOwner = new Map<string, Promise<string | undefined>>();
  const ownerOfRobot = (robotId: string) => {
    let p = robotOwner.get(robotId);
    if (!p) {
      p = rt.robots.get(robotId).then((r) => r?.owner);
      robotOwner.set(robotId, p);
    }
    return p;
  };
  const distinct = [...new Set(roomIds)];
  const ok = new Map<string, boolean>();
  // Bounded by the schema (at most 1000 ids); robots are looked up once each.
  await Promise.all(
    distinct.map(async (id) => {
      const room = await rt.rooms.get(id);
      ok.set(id, Boolean(room) && (await ownerOfRobot(room!.robotId)) === owner);
    }),
  );
  const bad = roomIds.flatMap((id, i) =>
    ok.get(id)
      ? []
      : [{ in: 'body', path: `roomIds.${i}`, code: 'unknown_room', message: `no room ${id} of owner ${owner}` }],
  );
  if (bad.length > 0)
    throw new AppError(400, 'unknown_room', "roomIds names rooms that are not this owner's", bad.slice(0, 20));
}
