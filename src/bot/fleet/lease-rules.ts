/**
 * The decisions of robot leases, pure: who may take a robot, how many a process takes in one
 * round, how long a holder may trust its lease. The fleet (fleet.ts) acts on them.
 */

/** A process of the fleet as the others see it. */
export interface ProcessLoad {
  id: string;
  /** Robots it holds now. */
  hosted: number;
}

/** A process id: `host:pid:boot` (boot tells two lives of one pid apart). */
export interface ProcessIdentity {
  host: string;
  pid: number;
  boot: string;
}

export function processId(p: ProcessIdentity): string {
  return `${p.host}:${p.pid}:${p.boot}`;
}

/** The parts of a process id, or undefined for one not made by processId. */
export function parseProcessId(id: string): ProcessIdentity | undefined {
  const m = /^(.*):(\d+):([^:]+)$/.exec(id);
  return m ? { host: m[1], pid: Number(m[2]), boot: m[3] } : undefined;
}

/**
 * True when the holder is certainly gone without waiting for its lease to expire: it ran on this
 * host (same host id) and `alive` says that process (pid, and for our own pid the boot) no longer
 * exists. Another host's holder waits for the expiry. Host ids must therefore differ between
 * machines and between containers with their own pid namespaces.
 */
export function holderIsGone(
  holder: string,
  me: ProcessIdentity,
  alive: (pid: number, boot: string) => boolean,
): boolean {
  const h = parseProcessId(holder);
  if (!h || h.host !== me.host) return false;
  if (h.pid === me.pid && h.boot === me.boot) return false;
  return !alive(h.pid, h.boot);
}

/** True when a process with `label` may host a robot pinned to `pin` (no pin: any process). */
export function mayHost(pin: string | null | undefined, label: string): boolean {
  return !pin || pin === label;
}

/**
 * Until when the holder trusts a lease it renewed: the renewal's start plus the lease time, less
 * a margin for clocks that disagree. Others take it only after the full lease time, so the
 * holder has stopped sending before anyone else can start the robot.
 */
export function trustedUntil(renewStartedAt: number, ttlMs: number, marginMs: number): number {
  return renewStartedAt + ttlMs - marginMs;
}

/**
 * How many unheld robots this process takes in one round: the robots are dealt one at a time to
 * the least-loaded live process (ties: the smaller id), each taking at most `perRound`, so
 * processes that see the same picture share the robots evenly, a restart does not log every
 * account in at once, and a process that is draining takes none.
 */
export function takeQuota(input: {
  me: string;
  draining: boolean;
  /** Live processes that are not draining, this one included (when it is not draining). */
  processes: readonly ProcessLoad[];
  unheld: number;
  perRound: number;
}): number {
  const { me, draining, unheld, perRound } = input;
  if (draining || unheld <= 0 || perRound <= 0) return 0;
  const live = input.processes.some((p) => p.id === me) ? input.processes : [...input.processes, { id: me, hosted: 0 }];
  const loads = live.map((p) => ({ id: p.id, load: p.hosted, taken: 0 }));
  for (let i = 0; i < unheld; i++) {
    let best: (typeof loads)[number] | undefined;
    for (const p of loads) {
      if (p.taken >= perRound) continue;
      if (!best || p.load < best.load || (p.load === best.load && p.id < best.id)) best = p;
    }
    if (!best) break;
    best.load++;
    best.taken++;
  }
  return loads.find((p) => p.id === me)?.taken ?? 0;
}
