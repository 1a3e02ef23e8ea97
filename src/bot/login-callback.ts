import type { Logger } from '../logger';
import { backoffDelay } from './core/backoff';
import type { Clock } from './core/clock';

export interface CallbackPolicy {
  timeoutMs: number;
  attempts: number;
}

/**
 * Seed 001: after a QR login succeeds, GET the robot's callback_url. Retried with backoff on
 * network errors and 5xx; the response body is ignored (and not read beyond its status).
 */
export async function notifyLogin(url: string, robotId: string, policy: CallbackPolicy, clock: Clock, log: Logger): Promise<boolean> {
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(policy.timeoutMs), headers: { 'User-Agent': 'qunbot', 'X-Qunbot-Robot-Id': robotId } });
      await res.body?.cancel();
      if (res.status < 500) {
        log.info({ status: res.status, attempt }, 'login callback delivered');
        return true;
      }
      log.warn({ status: res.status, attempt }, 'login callback answered with a server error');
    } catch (err) {
      log.warn({ err: (err as Error).message, attempt }, 'login callback failed');
    }
    if (attempt < policy.attempts) await clock.sleep(backoffDelay({ initialMs: 1000, maxMs: 60_000, jitter: 0.2 }, attempt));
  }
  log.error({ attempts: policy.attempts }, 'login callback given up');
  return false;
}
