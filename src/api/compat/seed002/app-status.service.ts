import type { Db } from '../../../db/types';
import { appStatusModel } from './app-status.model';

export interface AppStatus {
  status: 1 | 2;
  upGradeEndTime?: string;
}

/** The platform's service status (1 normal until set otherwise), one per tenant, in the database. */
export class AppStatusService {
  private readonly Status;

  constructor(conn: Db) {
    this.Status = appStatusModel(conn);
  }

  async get(tenant: string): Promise<AppStatus> {
    const d = await this.Status.findOne({ tenant }).lean();
    if (!d) return { status: 1 };
    return { status: d.status === 2 ? 2 : 1, ...(d.upGradeEndTime ? { upGradeEndTime: d.upGradeEndTime } : {}) };
  }

  async set(tenant: string, next: AppStatus): Promise<AppStatus> {
    await this.Status.updateOne(
      { tenant },
      next.upGradeEndTime
        ? { $set: { status: next.status, upGradeEndTime: next.upGradeEndTime } }
        : { $set: { status: next.status }, $unset: { upGradeEndTime: 1 } },
      { upsert: true },
    );
    return next;
  }
}
