import { toObjectId } from '../../../db/object-id';
import { isDuplicateKey } from '../../../db/errors';
import type { Db } from '../../../db/types';
import { ownerTaskModel, type OwnerTaskDoc } from './owner-task.model';

export interface OwnerTask {
  taskId: string;
  userId: string;
  /** Absent while the task is being made. */
  broadcastId?: string;
  sendAt: Date;
  recalledAt?: Date;
}

function toTask(d: OwnerTaskDoc): OwnerTask {
  return {
    taskId: d.taskId,
    userId: d.userId,
    sendAt: d.sendAt,
    ...(d.broadcastId ? { broadcastId: d.broadcastId.toString() } : {}),
    ...(d.recalledAt ? { recalledAt: d.recalledAt } : {}),
  };
}

/**
 * Which broadcast is which group owner's task (seed 002 群发): task ids are each owner's own,
 * named by their client. A task is recorded first and its broadcast attached after, so a crash
 * in between leaves a record the next PUT completes, never a broadcast nobody can see.
 */
export class OwnerTasks {
  private readonly Task;

  constructor(
    conn: Db,
    private readonly tenant: string,
  ) {
    this.Task = ownerTaskModel(conn);
  }

  private key(userId: string, taskId: string) {
    return { tenant: this.tenant, userId, taskId };
  }

  async get(userId: string, taskId: string): Promise<OwnerTask | null> {
    const d = await this.Task.findOne(this.key(userId, taskId)).lean();
    return d ? toTask(d) : null;
  }

  /** Records a new task without its broadcast; false when the owner has one by that id already. */
  async add(userId: string, taskId: string, sendAt: Date): Promise<boolean> {
    try {
      await this.Task.create({ ...this.key(userId, taskId), sendAt });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Attaches the task's broadcast; false when another one was attached meanwhile. */
  async attach(userId: string, taskId: string, broadcastId: string): Promise<boolean> {
    const r = await this.Task.updateOne(
      { ...this.key(userId, taskId), broadcastId: { $exists: false } },
      { $set: { broadcastId: toObjectId(broadcastId) } },
    );
    return r.modifiedCount === 1;
  }

  async setSendAt(userId: string, taskId: string, sendAt: Date): Promise<void> {
    await this.Task.updateOne(this.key(userId, taskId), { $set: { sendAt } });
  }

  async markRecalled(userId: string, taskId: string, at: Date): Promise<void> {
    await this.Task.updateOne(this.key(userId, taskId), { $set: { recalledAt: at } });
  }

  async remove(userId: string, taskId: string): Promise<void> {
    await this.Task.deleteOne(this.key(userId, taskId));
  }

  /** How many of the owner's tasks are still to go out (after `now`, not recalled). */
  async pending(userId: string, now: Date): Promise<number> {
    return this.Task.countDocuments({
      tenant: this.tenant,
      userId,
      sendAt: { $gt: now },
      recalledAt: { $exists: false },
    });
  }

  /** The owner's tasks sending within [from, to), by send time. */
  async between(userId: string, from: Date, to: Date): Promise<OwnerTask[]> {
    const docs = await this.Task.find({ tenant: this.tenant, userId, sendAt: { $gte: from, $lt: to } })
      .sort({ sendAt: 1, _id: 1 })
      .limit(500)
      .lean();
    return docs.map(toTask);
  }
}
