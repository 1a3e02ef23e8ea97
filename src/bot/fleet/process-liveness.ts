/**
 * Whether the process `pid` still exists on this host. Our own pid answers false: a holder with
 * our pid but another boot id is an earlier life of this pid, gone (the holder that is this very
 * process is told apart by its boot id before this is asked). A pid that exists but belongs to
 * someone else (EPERM) counts as alive: only a certain death lets another process take a robot
 * before its lease expires.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
