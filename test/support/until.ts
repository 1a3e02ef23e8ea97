import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `check` is true: for state that only shows in the database, changed by another
 * process (no event reaches this one). Checked every 100 ms; fails naming `what` after `ms`.
 */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(100);
  }
}
