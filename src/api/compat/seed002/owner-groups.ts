import type { RoomView } from '../../../bot/room.service';
import type { GroupOwnerView, OwnedGroupView } from '../../../owners';
import { notFound } from './envelope';
import type { Seed002Deps } from './router';

/** One of an owner's groups with its room record. */
export interface OwnerGroup {
  group: OwnedGroupView;
  room: RoomView;
}

/** The owner's active groups with their rooms, in the order they became theirs. */
export async function groupsOf(deps: Seed002Deps, owner: GroupOwnerView): Promise<OwnerGroup[]> {
  const groups = await deps.groupOwners.groups.activeOf(owner.userId);
  const rooms = await deps.runtime.rooms.views(groups.map((g) => g.roomId));
  return groups.flatMap((group) => {
    const room = rooms.get(group.roomId);
    return room ? [{ group, room }] : [];
  });
}

/** One active group of the owner by its code; another owner's or an unknown one is 1404 群不存在 alike. */
export async function groupOf(deps: Seed002Deps, owner: GroupOwnerView, code: string): Promise<OwnerGroup> {
  const group = /^[0-9a-f]{24}$/i.test(code) ? await deps.groupOwners.groups.get(code) : null;
  const room = group && !group.cancelledAt && group.userId === owner.userId && (await deps.runtime.rooms.get(code));
  if (!group || !room) throw notFound('群');
  return { group, room };
}
