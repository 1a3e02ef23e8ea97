import { insertAbsent } from '../db/ops';
import type { ObjectId } from '../db/object-id';
import type { Db } from '../db/types';
import { broadcastDeliveryModel, type BroadcastDeliveryDoc } from './broadcast-delivery.model';

/** A delivery as a dispatch makes it (its id and its sends' ids fixed before it is written). */
export type DeliveryRecord = Pick<BroadcastDeliveryDoc, 'taskId' | 'runId' | 'seq' | 'roomId' | 'state'> & {
  _id: ObjectId;
  robotId?: ObjectId | string | null;
  conversationId?: string | null;
  topic?: string | null;
  reason?: 'robot_not_running' | 'room_not_found' | null;
  sendIds?: ObjectId[] | null;
};

/** The deliveries of broadcast runs: one per run and room (a unique index), written once. */
export class BroadcastDeliveryService {
  private readonly Delivery;

  constructor(db: Db) {
    this.Delivery = broadcastDeliveryModel(db);
  }

  /**
   * Writes deliveries and returns those that stand: when some were written before (a run taken
   * over), the stored deliveries of these runs and rooms, whose send ids count, instead.
   */
  async write(deliveries: readonly DeliveryRecord[]): Promise<DeliveryRecord[]> {
    if (!(await insertAbsent<BroadcastDeliveryDoc>(this.Delivery, deliveries))) return [...deliveries];
    const runIds = [...new Set(deliveries.map((d) => d.runId.toString()))];
    const rooms = new Set(deliveries.map((d) => `${d.runId.toString()}:${d.roomId.toString()}`));
    const stored = await this.Delivery.find({ runId: { $in: runIds } }).lean();
    return stored.filter((d) => rooms.has(`${d.runId.toString()}:${d.roomId.toString()}`)) as DeliveryRecord[];
  }

  /** Whether any delivery of the run was written (its dispatch had begun). */
  async anyFor(runId: ObjectId | string): Promise<boolean> {
    return Boolean(await this.Delivery.exists({ runId }));
  }
}
