import type { Principal } from '../../auth/api-key.service';
import type { Runtime } from '../../bot/runtime';
import { AppError, forbidden } from '../../http/errors';

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
  rt: Pick<Runtime, 'rooms' | 'robots'>,
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
