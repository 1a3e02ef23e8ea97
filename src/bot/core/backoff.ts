export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0..1: the delay is drawn from [d*(1-jitter), d]. */
  jitter: number;
}

/** Exponential backoff with jitter: the delay before retry number `attempt` (1-based). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (1 - policy.jitter * random()));
}
