import { toObjectId } from '../../../db/object-id';
import { isDuplicateKey } from '../../../db/errors';
import type { Db } from '../../../db/types';
import { ownerTaskModel } from './owner-task.model';

export interface OwnerTask {
  taskId: string;
  userId: string;
  broadcastId: string;
  sendAt: Date;
  recalledAt?: Date;
}

/** Which broadcast is which group owner's task (seed 002 群发): task ids are the owners' clients' own. */
export class OwnerTasks {
  private readonly Task;

  constructor(
    conn: Db,
    private readonly tenant: string,
  ) {
    this.Task = ownerTaskModel(conn);
  }

  async get(taskId: string): Promise<OwnerTask | null> {
    const d = await this.Task.findOne({ tenant: this.tenant, taskId }).lean();
    return d
      ? {
          taskId: d.taskId,
          userId: d.userId,
          broadcastId: d.broadcastId.toString(),
          sendAt: d.sendAt,
          ...(d.recalledAt ? { recalledAt: d.recalledAt } : {}),
        }
      : null;
  }

  /** Records a new task; false when the id was taken meanwhile. */
  async add(task: OwnerTask): Promise<boolean> {
    try {
      await this.Task.create({ ...task, tenant: this.tenant, broadcastId: toObjectId(task.broadcastId) });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async setSendAt(taskId: string, sendAt: Date): Promise<void> {
    await this.Task.updateOne({ tenant: this.tenant, taskId }, { $set: { sendAt } });
  }

  async markRecalled(taskId: string, at: Date): Promise<void> {
    await this.Task.updateOne({ tenant: this.tenant, taskId }, { $set: { recalledAt: at } });
  }

  async remove(taskId: string): Promise<void> {
    await this.Task.deleteOne({ tenant: this.tenant, taskId });
  }

  /** The owner's tasks sending within [from, to), by send time. */
  async between(userId: string, from: Date, to: Date): Promise<OwnerTask[]> {
    const docs = await this.Task.find({ tenant: this.tenant, userId, sendAt: { $gte: from, $lt: to } })
      .sort({ sendAt: 1, _id: 1 })
      .limit(500)
      .lean();
    return docs.map((d) => ({
      taskId: d.taskId,
      userId: d.userId,
      broadcastId: d.broadcastId.toString(),
      sendAt: d.sendAt,
      ...(d.recalledAt ? { recalledAt: d.recalledAt } : {}),
    }));
  }
}
