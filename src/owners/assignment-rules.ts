/**
 * Which robot a new group owner gets, and which owner a group belongs to (seed 002 §1). Pure:
 * the services read the facts and apply the answer.
 */

/** A robot that might be assigned: its state and how much it already carries. */
export interface RobotLoad {
  id: string;
  loggedIn: boolean;
  /** False: marked 不可分配 by an operator or the platform. */
  assignable: boolean;
  /** Groups it serves for owners (not cancelled). */
  groups: number;
  /** Owners assigned to it. */
  owners: number;
}

/**
 * The least-loaded assignable robot: logged in and assignable, fewest groups, then fewest
 * owners, then the oldest id (stable, so equal robots fill in a predictable order); undefined
 * when none can take an owner.
 */
export function pickRobot(robots: readonly RobotLoad[]): string | undefined {
  let best: RobotLoad | undefined;
  for (const r of robots) {
    if (!r.loggedIn || !r.assignable) continue;
    if (
      !best ||
      r.groups < best.groups ||
      (r.groups === best.groups && (r.owners < best.owners || (r.owners === best.owners && r.id < best.id)))
    )
      best = r;
  }
  return best?.id;
}

/** An owner assigned to the robot, as far as the robot's WeChat side knows them. */
export interface AssignedOwner {
  userId: string;
  /** Their WeChat contact id on this robot, once known. */
  wxId?: string;
  /** The nickname the platform knows them by (seed 002 `nick_name`). */
  nickName?: string;
}

/** Who invited the robot into a room (the room-join inviter). */
export interface Inviter {
  id: string;
  name: string;
}

/**
 * The owner a room belongs to when `inviter` brought the robot into it: the owner already known
 * by that WeChat id; else the only owner of this robot not yet known by any id whose nickname is
 * the inviter's name (two such owners: nobody, rather than a guess); else undefined (an operator
 * assigns it). `bind` says that the owner's WeChat id is learnt by this match.
 */
export function ownerOfInvite(
  inviter: Inviter,
  owners: readonly AssignedOwner[],
): { userId: string; bind: boolean } | undefined {
  const known = owners.find((o) => o.wxId === inviter.id);
  if (known) return { userId: known.userId, bind: false };
  const name = inviter.name.trim();
  if (!name) return undefined;
  const named = owners.filter((o) => !o.wxId && o.nickName?.trim() === name);
  return named.length === 1 ? { userId: named[0].userId, bind: true } : undefined;
}

/** Why a group was cancelled (seed 002 `cancel_reason`). */
export const CANCEL_REASONS = {
  1: 'illegal content',
  2: 'poor delivery quality',
  3: 'robot removed from the group',
  4: 'cancelled by the system',
  5: 'too many low star ratings',
  6: 'robot account banned',
} as const;

export type CancelReason = keyof typeof CANCEL_REASONS;

export const isCancelReason = (n: number): n is CancelReason => Number.isInteger(n) && n >= 1 && n <= 6;
