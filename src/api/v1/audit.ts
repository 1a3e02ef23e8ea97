import type { ActionRecord } from '../../http/endpoint';
import { clientAddressOf } from '../middleware/client-address';
import type { People } from './people';

/**
 * What the audit log keeps of a state-changing call: operators' actions and sign-in attempts
 * (API keys are business systems with their own logs, and their sends are in the send log). The
 * entry is stored before the answer goes (a failed write is logged, never answered).
 */
export function auditAction(people: People) {
  return async (a: ActionRecord): Promise<void> => {
    const actor = a.principal?.operator;
    const signIn = a.ctx.state.signInAttempt as { username: string; operatorId?: string } | undefined;
    if (!actor && !signIn) return;
    const operatorId = actor?.id ?? signIn?.operatorId;
    await people.audit.record({
      ...(operatorId ? { operatorId } : {}),
      username: actor?.username ?? (signIn?.username as string),
      ...(a.principal?.owner ? { owner: a.principal.owner } : {}),
      action: `${a.method} ${a.route}`,
      ...(a.params.id ? { targetId: a.params.id } : {}),
      status: a.status,
      result: a.status < 400 ? 'ok' : a.status < 500 ? 'refused' : 'failed',
      ...(a.code ? { code: a.code } : {}),
      address: clientAddressOf(a.ctx),
      ...(typeof a.ctx.state.requestId === 'string' ? { requestId: a.ctx.state.requestId } : {}),
    });
  };
}
