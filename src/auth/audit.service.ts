import type { Db, Model } from '../db/types';
import type { Logger } from '../logger';
import { auditModel, type AuditDoc } from './audit.model';

/** An audit entry as listed. */
export type AuditEntry = Omit<AuditDoc, '_id' | 'expiresAt'> & { id: string };

export type AuditInput = Omit<AuditDoc, '_id' | 'at' | 'expiresAt'>;

export interface AuditFilter {
  /** Absent: every owner's (and every-owner operators'). */
  owner?: string | undefined;
  operatorId?: string | undefined;
  result?: AuditDoc['result'] | undefined;
  /** Entries whose action starts with this, e.g. `DELETE` or `POST /api/v1/operators`. */
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The audit log of operator actions: a failed write is logged and never fails the action; kept
 * `keepDays`, listed newest first.
 */
export class AuditLog {
  private readonly Audit: Model<AuditDoc>;

  constructor(
    conn: Db,
    private readonly deps: { keepDays: number; now: () => number; log: Logger },
  ) {
    this.Audit = auditModel(conn);
  }

  /** Records one entry; never rejects (a failed write is logged). */
  record(input: AuditInput): Promise<void> {
    const at = this.deps.now();
    return this.Audit.create({ ...input, at: new Date(at), expiresAt: new Date(at + this.deps.keepDays * 86_400_000) })
      .then(() => undefined)
      .catch((err: unknown) => this.deps.log.error({ err, action: input.action }, 'audit entry not stored'));
  }

  /** Entries newest first; `cursor` is the last id of the previous page. */
  async page(filter: AuditFilter, page: { limit: number; cursor?: string | undefined }) {
    const q: Record<string, unknown> = {};
    if (filter.owner !== undefined) q.owner = filter.owner;
    if (filter.operatorId) q.operatorId = filter.operatorId;
    if (filter.result) q.result = filter.result;
    if (filter.action) q.action = { $regex: `^${escape(filter.action)}` };
    if (filter.from || filter.to)
      q.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    if (page.cursor) q._id = { $lt: page.cursor };
    const docs = await this.Audit.find(q)
      .sort({ _id: -1 })
      .limit(page.limit + 1)
      .lean();
    const more = docs.length > page.limit;
    const items: AuditEntry[] = (more ? docs.slice(0, page.limit) : docs).map(({ _id, expiresAt: _, ...rest }) => ({
      id: _id.toString(),
      ...rest,
    }));
    return more ? { items, nextCursor: items[items.length - 1]!.id } : { items };
  }
}
