/** Where a robot is in its life. Persisted on the robot record and emitted as `status` events. */
export type RobotStatus =
  'created' | 'starting' | 'waiting_for_scan' | 'logged_in' | 'logged_out' | 'offline' | 'error' | 'stopped';

/** What happened to a robot's Wechaty. */
export type RobotSignal = 'start' | 'scan' | 'login' | 'logout' | 'network_down' | 'fatal' | 'stop';

const NEXT: Record<RobotSignal, { from: readonly RobotStatus[] | 'any'; to: RobotStatus }> = {
  start: { from: ['created', 'logged_out', 'offline', 'error', 'stopped'], to: 'starting' },
  scan: { from: ['starting', 'waiting_for_scan', 'logged_out', 'logged_in'], to: 'waiting_for_scan' },
  login: { from: ['starting', 'waiting_for_scan', 'logged_out', 'offline'], to: 'logged_in' },
  logout: { from: ['logged_in', 'waiting_for_scan', 'starting'], to: 'logged_out' },
  network_down: { from: ['starting', 'waiting_for_scan', 'logged_in', 'logged_out'], to: 'offline' },
  fatal: { from: 'any', to: 'error' },
  stop: { from: 'any', to: 'stopped' },
};

/**
 * The robot state machine: the status after `signal`, or null when the signal does not apply in
 * `current` (it is then ignored, e.g. a late `scan` after `stop`).
 */
export function nextStatus(current: RobotStatus, signal: RobotSignal): RobotStatus | null {
  const rule = NEXT[signal];
  if (rule.from !== 'any' && !rule.from.includes(current)) return null;
  return rule.to === current ? current : rule.to;
}

/** Statuses in which a robot's Wechaty is running (or trying to). */
export function isActive(status: RobotStatus): boolean {
  return status === 'starting' || status === 'waiting_for_scan' || status === 'logged_in' || status === 'logged_out';
}
