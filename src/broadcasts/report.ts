/** How a delivery (one room, one run) ended up, derived from the sends of its materials. */
export const DELIVERY_STATUSES = [
  'queued',
  'sending',
  'sent',
  'partial',
  'failed',
  'room_not_found',
  'unknown',
  'cancelled',
  'recalled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One send of a delivery as the send log has it. */
export interface PartState {
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'room_not_found' | 'unknown' | 'cancelled';
  recalled?: boolean;
}

/** Why a delivery was skipped without a send. */
export type SkipReason = 'robot_not_running' | 'room_not_found';

/**
 * A delivery's status from its parts. A skipped delivery (no send was made) is `room_not_found`
 * or, when its robot was not running, `failed`. Precedence: still going, then recalled, then the
 * worst outcome.
 */
export function deliveryStatus(
  state: 'queued' | 'skipped',
  parts: readonly PartState[],
  reason?: SkipReason,
): DeliveryStatus {
  if (state === 'skipped') return reason === 'room_not_found' ? 'room_not_found' : 'failed';
  // Its sends are being written (the run is still dispatching).
  if (parts.length === 0) return 'queued';
  const has = (s: PartState['status']) => parts.some((p) => p.status === s);
  if (has('queued')) return 'queued';
  if (has('sending')) return 'sending';
  if (parts.some((p) => p.recalled)) return 'recalled';
  if (has('unknown')) return 'unknown';
  if (has('room_not_found')) return 'room_not_found';
  if (has('failed')) return 'failed';
  if (parts.every((p) => p.status === 'sent')) return 'sent';
  if (parts.every((p) => p.status === 'cancelled')) return 'cancelled';
  return 'partial';
}

export type RunCounts = Record<DeliveryStatus, number> & { total: number };

export function countStatuses(statuses: Iterable<DeliveryStatus>): RunCounts {
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as RunCounts;
  counts.total = 0;
  for (const s of statuses) {
    counts[s]++;
    counts.total++;
  }
  return counts;
}

/** A run is settled when none of its deliveries can still change by itself. */
export function isSettled(counts: RunCounts): boolean {
  return counts.queued === 0 && counts.sending === 0;
}
