import { EventEmitter } from 'node:events';
import type { Db } from '../../db/types';
import type { Logger } from '../../logger';
import type { Clock } from '../core/clock';
import { AppError } from '../../http/errors';
import { NotReadyError } from '../outbox';
import { RobotNotFoundError, RobotUnreachableError } from '../robot-errors';
import type { RobotService } from '../robot.service';
import type { SendLogService } from '../send-log.service';
import { CommandService, type Command } from './commands.service';
import { holderIsGone, mayHost, takeQuota, trustedUntil, type ProcessIdentity } from './lease-rules';
import { LeaseService, type LeaseView } from './leases.service';
import { ProcessService } from './processes.service';
import type { RobotCommandKind } from './robot-command.model';

/** How leases are kept. */
export interface FleetPolicy {
  /** A lease lasts this long unless renewed (renewed every third of it). */
  leaseMs: number;
  /** Most robots a process takes in one round (a restart does not log every account in at once). */
  perRound: number;
  /** Most robots one process holds. */
  maxRobots: number;
  /** The holder stops trusting its lease this long before it expires (clocks may disagree by less). */
  marginMs: number;
  /** How long a call about a robot in another process waits for its answer. */
  commandTimeoutMs: number;
  /** How often a process looks for calls addressed to it. */
  commandPollMs: number;
}

/** This process in the fleet. */
export interface FleetMember extends ProcessIdentity {
  /** `host:pid:boot`. */
  id: string;
  /** QUNBOT_PROCESS_LABEL: what pins name and operators see. */
  label: string;
}

/** What the fleet asks of the robot manager. */
export interface FleetHost {
  /** Hosts and starts a robot whose lease this process just took. */
  host(robotId: string): Promise<void>;
  /** Stops a robot hosted here (its lease lost or handed back). */
  unhost(robotId: string): Promise<void>;
  /** Runs a call about a robot hosted here, made by another process. */
  execute(robotId: string, kind: RobotCommandKind, args: Record<string, unknown>): Promise<unknown>;
}

export interface FleetDeps {
  connection: Db;
  robots: RobotService;
  sendLog: SendLogService;
  clock: Clock;
  log: Logger;
  member: FleetMember;
  policy: FleetPolicy;
  /** Whether a process with this pid (and, for our own pid, this boot) still lives on this host. */
  alive: (pid: number, boot: string) => boolean;
}

/** A hosted robot's hold on its lease, checked before every send (fencing). */
export interface Fence {
  readonly epoch: number;
  /** True while this process may act for the robot: the lease is held and not past its trusted time. */
  held(): boolean;
}

interface Held {
  epoch: number;
  /** This process trusts the lease until then (its own clock). */
  until: number;
}

/** Where a robot runs, as far as this process knows. */
export type Whereabouts = { at: 'here' } | { at: 'elsewhere'; holder: string; label?: string } | { at: 'nowhere' };

/**
 * The robots of one process among several on one database. Each robot runs where its lease is
 * held; every third of a lease this process reports itself, renews its leases (a lease it lost
 * stops its robot), hands back robots that should run elsewhere (stopped, pinned, draining) and
 * takes its share of the unheld ones. Calls about robots held elsewhere go through the command
 * queue. Emits `taken` (robot id, previous holder: a takeover when not null) and `lost`.
 */
export class Fleet extends EventEmitter<{
  taken: [{ robotId: string; from: string | null; epoch: number }];
  lost: [{ robotId: string; reason: string }];
}> {
  readonly leases: LeaseService;
  readonly processes: ProcessService;
  private readonly commands: CommandService;
  private readonly held = new Map<string, Held>();
  private lastRound: Promise<void> = Promise.resolve();
  /** Robots taken by rounds, starting. */
  private readonly starting = new Set<Promise<void>>();
  /** The robots this process saw unheld in its last round. */
  private unheldBefore = new Set<string>();
  private host: FleetHost | undefined;
  private draining = false;
  private stopped = true;
  /** Stopped for good (the process shuts down). */
  private ended = false;
  /** Whether rounds take unheld robots (after start()). */
  private taking = false;
  private readonly wake = new AbortController();
  private loops: Promise<void>[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: FleetDeps) {
    super();
    this.leases = new LeaseService(deps.connection);
    this.processes = new ProcessService(deps.connection);
    this.commands = new CommandService(deps.connection, deps.clock);
    this.log = deps.log.child({ module: 'fleet', process: deps.member.label });
  }

  get member(): FleetMember {
    return this.deps.member;
  }

  /** Robots whose lease this process holds. */
  get size(): number {
    return this.held.size;
  }

  /** Who hosts the robots this fleet takes (the robot manager, once). */
  attach(host: FleetHost): void {
    this.host = host;
  }

  /**
   * Joins the fleet for good: runs a round now (this process takes its share of the robots that
   * should run), then every third of a lease. Without it (a runtime started by hand), the rounds
   * run only while a robot is held, to renew its lease and answer calls, and take nothing.
   */
  async start(): Promise<void> {
    this.taking = true;
    this.keep();
    await this.round().catch((err) => this.log.error({ err }, 'fleet round failed'));
    await this.started();
  }

  /** Keeps leases and answers calls from now on (rounds every third of a lease, calls polled). */
  private keep(): void {
    if (!this.stopped || this.ended) return;
    this.stopped = false;
    this.loops = [this.commandLoop(), this.every(this.deps.policy.leaseMs / 3, () => this.round())];
  }

  /** Stops the rounds and the command loop (the leases are kept: see release). */
  async stop(): Promise<void> {
    this.ended = true;
    if (!this.stopped) {
      this.stopped = true;
      this.wake.abort();
      clearTimeout(this.watchdog);
      await Promise.all(this.loops);
    }
    // Robots still starting are hosted by then: whoever stops the robots next sees them all.
    await this.started();
  }

  /** The lease check a hosted robot's outbox makes before each send. */
  fence(robotId: string): Fence | undefined {
    const h = this.held.get(robotId);
    if (!h) return undefined;
    const { epoch } = h;
    return {
      epoch,
      held: () => {
        const now = this.held.get(robotId);
        return now !== undefined && now.epoch === epoch && this.deps.clock.now() < now.until;
      },
    };
  }

  /**
   * Takes the robot's lease here if nobody holds it and this process may host it (pin, not
   * draining): the fast path when an operator starts a robot. `here` when held here now.
   */
  async acquire(robotId: string, pin: string | undefined): Promise<Whereabouts> {
    if (this.held.has(robotId)) return { at: 'here' };
    if (this.ended) return { at: 'nowhere' };
    const now = this.deps.clock.now();
    const seen = await this.leases.get(robotId);
    if (seen && this.live(seen, now)) return { at: 'elsewhere', holder: seen.holder as string, ...label(seen) };
    if (this.draining || this.held.size >= this.deps.policy.maxRobots || !mayHost(pin, this.deps.member.label))
      return { at: 'nowhere' };
    if (await this.take(robotId, now, seen)) return { at: 'here' };
    const after = await this.leases.get(robotId);
    return after?.holder && after.holder !== this.deps.member.id
      ? { at: 'elsewhere', holder: after.holder, ...label(after) }
      : { at: 'nowhere' };
  }

  /** Where the robot runs: here, in a live process elsewhere, or nowhere. */
  async whereabouts(robotId: string): Promise<Whereabouts> {
    if (this.held.has(robotId)) return { at: 'here' };
    const seen = await this.leases.get(robotId);
    return seen && this.live(seen, this.deps.clock.now())
      ? { at: 'elsewhere', holder: seen.holder as string, ...label(seen) }
      : { at: 'nowhere' };
  }

  /** The robots among these that run in a live process (here or elsewhere). */
  async runningOf(robotIds: readonly string[]): Promise<Set<string>> {
    const out = new Set(robotIds.filter((id) => this.held.has(id)));
    const rest = robotIds.filter((id) => !out.has(id));
    const now = this.deps.clock.now();
    for (const [id, l] of await this.leases.of(rest)) if (this.live(l, now)) out.add(id);
    return out;
  }

  /**
   * Calls the process that holds the robot and waits for its answer (`wait` false: a notice,
   * not awaited). RobotNotFoundError when the robot runs nowhere; RobotUnreachableError when its
   * process does not answer in time.
   */
  async call(robotId: string, kind: RobotCommandKind, args: object = {}, wait = true): Promise<unknown> {
    const where = await this.whereabouts(robotId);
    if (where.at === 'here') return this.host?.execute(robotId, kind, { ...args });
    if (where.at === 'nowhere') throw new RobotNotFoundError(`robot ${robotId} is not running`);
    const id = await this.commands.send(where.holder, robotId, kind, args, wait);
    if (!wait) return undefined;
    const { commandTimeoutMs, commandPollMs } = this.deps.policy;
    const out = await this.commands.outcome(id, commandTimeoutMs, commandPollMs);
    if (out.state === 'done') return out.result;
    if (out.state === 'timeout') throw new RobotUnreachableError(robotId, commandTimeoutMs);
    const { name, code, status } = out.error;
    const message = out.error.message ?? 'failed in another process';
    if (name === 'RobotNotFoundError') throw new RobotNotFoundError(message);
    if (name === 'NotReadyError') throw new NotReadyError(message);
    // A client error of the other process is the same client error here (not a 500).
    if (status && status >= 400 && status < 500 && code) throw new AppError(status, code, message);
    throw Object.assign(new Error(message), { name: name ?? 'Error', code });
  }

  /** Gives the leases of robots no longer hosted here back at once (after they stopped). */
  async release(robotIds: readonly string[]): Promise<void> {
    for (const id of robotIds) this.held.delete(id);
    await this.leases.release(robotIds, this.deps.member.id);
  }

  /** Shutdown: every lease back and this process off the list, so others take its robots at once. */
  async leave(): Promise<void> {
    await this.release([...this.held.keys()]);
    await this.processes.leave(this.deps.member.id).catch(() => undefined);
  }

  /**
   * Runs one round now (tests do not wait for the timer); rounds never overlap. The robots it
   * took start in the background (a round stays short, so leases are renewed on time however
   * many robots are starting): `started()` waits for them.
   */
  round(): Promise<void> {
    const next = this.lastRound.then(() => this.roundOnce());
    this.lastRound = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the robots taken so far have started (or failed to). */
  async started(): Promise<void> {
    while (this.starting.size > 0) await Promise.all(this.starting);
  }

  /**
   * Renews first (what is held never waits for the rest), then reports this process, hands back
   * and takes. Each phase's time is logged (debug); a round longer than its period is a warning:
   * the database answers too slowly for the lease (raise QUNBOT_LEASE_SEC or lower
   * QUNBOT_TAKE_PER_ROUND).
   */
  private async roundOnce(): Promise<void> {
    const { clock, policy, member } = this.deps;
    const began = clock.now();
    await this.renew();
    const renewed = clock.now();
    ({ draining: this.draining } = await this.processes.report(member, this.held.size, renewed, policy.leaseMs));
    const reported = clock.now();
    await this.handBack();
    const handedBack = clock.now();
    const taken = this.taking && !this.draining && !this.stopped ? await this.takeShare(handedBack) : 0;
    const ended = clock.now();
    const phases = {
      held: this.held.size,
      taken,
      renewMs: renewed - began,
      reportMs: reported - renewed,
      handBackMs: handedBack - reported,
      takeMs: ended - handedBack,
    };
    if (ended - began > policy.leaseMs / 3)
      this.log.warn(phases, 'fleet round longer than its period: the database is slow');
    else this.log.debug(phases, 'fleet round');
  }

  private live(l: LeaseView, now: number): boolean {
    return l.holder !== null && l.expiresAt.getTime() > now && !this.gone(l.holder);
  }

  private gone(holder: string): boolean {
    return holderIsGone(holder, this.deps.member, this.deps.alive);
  }

  private async take(robotId: string, now: number, seen: LeaseView | undefined): Promise<boolean> {
    const { member, policy } = this.deps;
    const gone = seen?.holder && this.gone(seen.holder) ? seen.holder : undefined;
    // The lease runs from the take itself (a long round's `now` may be seconds old by then).
    const at = this.deps.clock.now();
    const got = await this.leases.take(robotId, member, now, policy.leaseMs, seen, gone, at);
    if (!got) return false;
    try {
      // Sends queued under an older epoch may no longer be claimed by the process that held it.
      await this.deps.sendLog.fence(robotId, got.epoch);
    } catch (err) {
      // Not fenced, not taken: given back for a later round (or another process).
      await this.leases.release([robotId], member.id).catch(() => undefined);
      throw err;
    }
    this.held.set(robotId, { epoch: got.epoch, until: trustedUntil(at, policy.leaseMs, policy.marginMs) });
    // Something is held now: the rounds must run to renew it.
    this.keep();
    this.armWatchdog();
    this.log.info({ robotId, epoch: got.epoch, from: got.from }, got.from ? 'robot taken over' : 'robot lease taken');
    this.emit('taken', { robotId, from: got.from, epoch: got.epoch });
    return true;
  }

  private async renew(): Promise<void> {
    const { member, policy } = this.deps;
    const ids = [...this.held.keys()];
    // Trusted from just before the request: the lease in the database runs at least as long.
    const now = this.deps.clock.now();
    const kept = await this.leases.renew(ids, member.id, now, policy.leaseMs);
    for (const id of ids) {
      const h = this.held.get(id);
      if (!h) continue;
      if (kept.get(id) === h.epoch) h.until = trustedUntil(now, policy.leaseMs, policy.marginMs);
      else this.lose(id, 'lease taken by another process');
    }
    this.armWatchdog();
  }

  /** Robots held here that should not be: stopped or deleted, pinned elsewhere, or this process drains. */
  private async handBack(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length === 0) return;
    const plans = await this.deps.robots.runPlans(ids);
    const out = ids.filter((id) => {
      const plan = plans.get(id);
      return !plan || !mayHost(plan.pin, this.deps.member.label);
    });
    const rest = ids.filter((id) => !out.includes(id));
    // A draining process hands its robots over a round's worth at a time (the others take them in turn).
    if (this.draining) out.push(...rest.slice(0, this.deps.policy.perRound));
    // Side by side, each given back only once it has stopped here (never two processes at once).
    await Promise.all(
      out.map(async (id) => {
        await this.host?.unhost(id).catch((err) => this.log.error({ err, robotId: id }, 'robot failed to stop'));
        await this.release([id]);
        this.log.info({ robotId: id, draining: this.draining }, 'robot handed back');
      }),
    );
  }

  /** Takes this process's share of the robots that should run and that nobody live holds; how many it took. */
  private async takeShare(now: number): Promise<number> {
    const { member, policy, robots } = this.deps;
    const wanted = (await robots.toRun()).filter((r) => !this.held.has(r.id) && mayHost(r.pin, member.label));
    if (wanted.length === 0) return ((this.unheldBefore = new Set()), 0);
    const leases = await this.leases.of(wanted.map((r) => r.id));
    const free = wanted.filter((r) => {
      const l = leases.get(r.id);
      return !l || !this.live(l, now);
    });
    if (free.length === 0) return ((this.unheldBefore = new Set()), 0);
    const [takers, loads] = await Promise.all([this.processes.takers(now), this.leases.heldBy(now)]);
    // A robot left unheld since the last round goes to whoever reaches it (its share was dealt to
    // a process that did not take it); the others are dealt out.
    const before = this.unheldBefore;
    const overdue = free.filter((r) => before.has(r.id)).length;
    this.unheldBefore = new Set(free.map((r) => r.id));
    const dealt = takeQuota({
      me: member.id,
      draining: this.draining,
      processes: takers.map((p) => ({
        id: p.id,
        hosted: p.id === member.id ? this.held.size : (loads.get(p.id) ?? 0),
      })),
      unheld: free.length,
      perRound: Math.min(policy.perRound, policy.maxRobots - this.held.size),
    });
    const quota = Math.min(Math.max(dealt, overdue), policy.perRound, policy.maxRobots - this.held.size);
    // Overdue robots first, then from a place of our own in the list, so processes taking together rarely collide.
    const offset = hash(member.id) % free.length;
    const order = [...free.slice(offset), ...free.slice(0, offset)].sort(
      (x, y) => Number(before.has(y.id)) - Number(before.has(x.id)),
    );
    const taken: string[] = [];
    // Taking stops after a quarter of a lease: the rounds that renew what is held must not wait long.
    const until = this.deps.clock.now() + policy.leaseMs / 4;
    for (const r of order) {
      if (taken.length >= quota || this.stopped || this.deps.clock.now() > until) break;
      if (await this.take(r.id, now, leases.get(r.id))) taken.push(r.id);
    }
    const starting: Promise<void> = Promise.all(
      taken.map((id) =>
        (this.host as FleetHost).host(id).catch(async (err) => {
          this.log.error({ err, robotId: id }, 'robot failed to start');
          await this.release([id]).catch(() => undefined);
        }),
      ),
    ).then(() => void this.starting.delete(starting));
    this.starting.add(starting);
    return taken.length;
  }

  /**
   * Stops a robot whose lease this process can no longer trust or has lost. Its fence fails at
   * once (nothing more is sent); the robot stops in the background, so a slow stop never holds
   * up the rounds that renew the other leases.
   */
  private lose(robotId: string, reason: string): void {
    if (!this.held.delete(robotId)) return;
    this.log.warn({ robotId, reason }, 'robot lease lost: robot stopped here');
    this.emit('lost', { robotId, reason });
    void this.host?.unhost(robotId).catch((err) => this.log.error({ err, robotId }, 'robot failed to stop'));
  }

  /** At the earliest trusted time, stops every robot whose lease was not renewed by then. */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    if (this.stopped || this.held.size === 0) return;
    const first = Math.min(...[...this.held.values()].map((h) => h.until));
    this.watchdog = setTimeout(() => this.expire(), Math.max(0, first - this.deps.clock.now()));
    this.watchdog.unref();
  }

  private expire(): void {
    const now = this.deps.clock.now();
    for (const [id, h] of [...this.held]) if (h.until <= now) this.lose(id, 'lease not renewed in time');
    this.armWatchdog();
  }

  /**
   * Without start() the loops run only while a robot is held: they end (synchronously with this
   * check, so a robot taken later starts them again) once there is nothing to keep.
   */
  private idle(): boolean {
    if (this.taking || this.held.size > 0 || this.stopped) return this.stopped;
    this.stopped = true;
    return true;
  }

  private async commandLoop(): Promise<void> {
    const { member, policy } = this.deps;
    while (!this.idle()) {
      let cmd: Command | null = null;
      try {
        cmd = await this.commands.next(member.id);
      } catch (err) {
        this.log.error({ err }, 'command queue unavailable');
      }
      // Pickups run in turn (sends adopted in the order they were made); other calls side by side.
      if (cmd?.kind === 'pickup') await this.run(cmd);
      else if (cmd) void this.run(cmd);
      else await this.pause(policy.commandPollMs);
    }
  }

  private async run(cmd: Command): Promise<void> {
    try {
      if (!this.held.has(cmd.robotId) || !this.host)
        throw new RobotNotFoundError(`robot ${cmd.robotId} is not running in this process`);
      await this.commands.done(cmd, await this.host.execute(cmd.robotId, cmd.kind, cmd.args));
    } catch (err) {
      await this.commands.failed(cmd, err as Error).catch(() => undefined);
    }
  }

  /**
   * Runs `fn` every `ms`, counted from the start of the last run (a long run does not push the
   * next renewal back by its own length; one that overran its period is followed at once).
   */
  private async every(ms: number, fn: () => Promise<void>): Promise<void> {
    let next = performance.now() + ms;
    while (!this.idle()) {
      await this.pause(Math.max(0, next - performance.now()));
      if (this.idle()) break;
      next = performance.now() + ms;
      try {
        await fn();
      } catch (err) {
        this.log.error({ err }, 'fleet round failed');
      }
    }
  }

  /** Waits `ms` (or until stop); the timer does not keep the process alive by itself. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.wake.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wake.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake.signal.addEventListener('abort', done, { once: true });
    });
  }
}

const label = (l: LeaseView) => (l.label ? { label: l.label } : {});

/** A small stable number from a string (where a process starts in the list of free robots). */
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
