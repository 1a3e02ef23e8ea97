import type { Context } from 'koa';
import type { AuditInput } from '../../auth/audit.service';
import type { ActionRecord } from '../../http/endpoint';
import type { Principal } from '../../http/principal';
import { clientAddressOf } from '../middleware/client-address';
import type { People } from './people';

/** A sign-in has no principal yet: the audit log names who tried (and, once known, their id). */
export function noteSignIn(ctx: Context, username: string): { username: string; operatorId?: string } {
  const attempt: { username: string; operatorId?: string } = { username: username.toLowerCase() };
  ctx.state.signInAttempt = attempt;
  return attempt;
}

/** Who acted and from where, for an audit entry; undefined for API keys (not audited). */
export function auditActor(
  principal: Principal | null | undefined,
  ctx: Context,
): Pick<AuditInput, 'operatorId' | 'username' | 'owner' | 'address' | 'requestId'> | undefined {
  const actor = principal?.operator;
  const signIn = ctx.state.signInAttempt as { username: string; operatorId?: string } | undefined;
  if (!actor && !signIn) return undefined;
  const operatorId = actor?.id ?? signIn?.operatorId;
  return {
    ...(operatorId ? { operatorId } : {}),
    username: actor?.username ?? (signIn?.username as string),
    ...(principal?.owner ? { owner: principal.owner } : {}),
    address: clientAddressOf(ctx),
    ...(typeof ctx.state.requestId === 'string' ? { requestId: ctx.state.requestId } : {}),
  };
}

/**
 * What the audit log keeps of a state-changing call: operators' actions and sign-in attempts
 * (API keys are business systems with their own logs, and their sends are in the send log). The
 * entry is stored before the answer goes (a failed write is logged, never answered).
 */
export function auditAction(people: Pick<People, 'audit'>) {
  return async (a: ActionRecord): Promise<void> => {
    const actor = auditActor(a.principal, a.ctx);
    if (!actor) return;
    await people.audit.record({
      ...actor,
      action: `${a.method} ${a.route}`,
      ...(a.params.id ? { targetId: a.params.id } : {}),
      status: a.status,
      result: a.status < 400 ? 'ok' : a.status < 500 ? 'refused' : 'failed',
      ...(a.code ? { code: a.code } : {}),
    });
  };
}
