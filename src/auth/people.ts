import type { Db } from '../db/types';
import type { Logger } from '../logger';
import { AuditLog } from './audit.service';
import { CompanyService } from './company.service';
import { OperatorAuth } from './operator-auth';
import { OperatorService } from './operator.service';
import { PermissionItems } from './permission-items.service';
import { RoleService } from './role.service';
import { SessionService } from './session.service';

/** Operators, roles, sessions and sign-in, built on one database (src/main.ts). */
export function peopleOf(
  conn: Db,
  settings: { sessions: { ttlHours: number; idleMinutes: number }; auditKeepDays: number },
  log: Logger,
  now: () => number = Date.now,
) {
  const { sessions } = settings;
  const operators = new OperatorService(conn, now);
  const roles = new RoleService(conn);
  const sessionTtlMs = sessions.ttlHours * 3_600_000;
  const sessionService = new SessionService(conn, { ttlMs: sessionTtlMs, idleMs: sessions.idleMinutes * 60_000 }, now);
  const auth = new OperatorAuth({ operators, roles, sessions: sessionService });
  const audit = new AuditLog(conn, { keepDays: settings.auditKeepDays, now, log: log.child({ module: 'audit' }) });
  const items = new PermissionItems(conn, now);
  const companies = new CompanyService(conn);
  return { auth, operators, roles, sessions: sessionService, sessionTtlMs, audit, items, companies };
}
