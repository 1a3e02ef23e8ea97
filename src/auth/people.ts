import type { Db } from '../db/types';
import { OperatorAuth } from './operator-auth';
import { OperatorService } from './operator.service';
import { RoleService } from './role.service';
import { SessionService } from './session.service';

/** Operators, roles, sessions and sign-in, built on one database (src/main.ts). */
export function peopleOf(conn: Db, sessions: { ttlHours: number; idleMinutes: number }, now: () => number = Date.now) {
  const operators = new OperatorService(conn, now);
  const roles = new RoleService(conn);
  const sessionTtlMs = sessions.ttlHours * 3_600_000;
  const sessionService = new SessionService(conn, { ttlMs: sessionTtlMs, idleMs: sessions.idleMinutes * 60_000 }, now);
  const auth = new OperatorAuth({ operators, roles, sessions: sessionService });
  return { auth, operators, roles, sessions: sessionService, sessionTtlMs };
}
