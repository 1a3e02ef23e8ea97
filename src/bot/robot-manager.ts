import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { log as wechatyLog } from 'wechaty';
import type { Logger } from '../logger';
import type { Clock } from './core/clock';
import type { RobotStatus } from './core/robot-state';
import { createContext, type RunContext } from './context';
import type { OutboundContent } from './content';
import { OutboxFullError, RobotOutbox, type OutboxPolicy } from './outbox';
import { composePipeline, type Pipeline, type PipelineStage } from './pipeline';
import type { BotEvent, SendTicket } from './plugin';
import type { PuppetFactory } from './puppets';
import { Robot, type RobotPolicy, type RobotRequest, type SelfProfile } from './robot';
import type { CreateRobotInput, QrCode, RobotService, RobotView } from './robot.service';
import type { RoomService, SyncResult } from './room.service';
import type { SendLogService, SendRecord } from './send-log.service';
import type { Fleet, FleetHost } from './fleet/fleet';
import type { RobotCommandKind } from './fleet/robot-command.model';
import { RobotNotFoundError } from './robot-errors';

/** Events of the whole runtime, each with the robot id. */
export interface RuntimeEvents {
  status: [{ robotId: string; status: RobotStatus; prev: RobotStatus; reason?: string; retryAt?: Date }];
  qrcode: [{ robotId: string; qr: QrCode }];
  login: [{ robotId: string; wxId: string; wxName: string }];
  logout: [{ robotId: string }];
  'rooms-synced': [{ robotId: string; result: SyncResult }];
  /** A send reached its outcome (sent, failed, room not found, cancelled...). */
  settled: [{ robotId: string; record: SendRecord }];
  /**
   * An event went through the plugin pipeline (whatever the plugins did with it); `roomId` is
   * the room record's id when it happened in a room.
   */
  handled: [{ robotId: string; event: BotEvent; roomId?: string }];
  /** A friend request or room invitation for the robot (accept it, or leave it unanswered). */
  request: [{ robotId: string; request: RobotRequest }];
  /**
   * A plugin's own time on one event (one in STAGE_SAMPLE_EVERY is timed): its handler and what
   * it awaited, without the plugins after it.
   */
  'stage-timed': [{ plugin: string; seconds: number }];
}

/** One event in this many has its plugin stages timed ('stage-timed'): the rest pay a counter. */
export const STAGE_SAMPLE_EVERY = 16;

/** A send asked of a hosted robot (the API's, a script's, a broadcast's). */
export interface ManagedSend {
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds?: string[];
  source: string;
}

/** What the robot manager is built from. */
export interface RobotManagerDeps {
  robots: RobotService;
  rooms: RoomService;
  sendLog: SendLogService;
  createPuppet: PuppetFactory;
  stages: readonly PipelineStage[];
  policy: RobotPolicy;
  outbox: OutboxPolicy;
  dataDir: string;
  clock: Clock;
  log: Logger;
  wechatyLogLevel?: string;
  /** Where each robot runs among the processes on this database (leases, calls between processes). */
  fleet: Fleet;
}

interface Hosted {
  robot: Robot;
  /** The robot record as of the last login or refresh (read on every event, so kept in memory). */
  view: RobotView;
  outbox: RobotOutbox;
  recovered: boolean;
  /** The lease epoch it was hosted under. */
  epoch: number;
}

export { RobotNotFoundError, RobotUnreachableError } from './robot-errors';

/**
 * Hosts many robots in one process: each its own Wechaty, puppet, cache folder and outbox.
 * One robot failing never affects another. The API and jobs drive robots through this class,
 * wherever a robot runs: one hosted here is driven directly, one hosted by another process
 * through the fleet's calls (fleet/fleet.ts), which also decides which robots run here.
 */
export class RobotManager extends EventEmitter<RuntimeEvents> {
  private readonly hosted = new Map<string, Hosted>();
  /** Robots being set up (host() waits on the database before the robot exists): unhost waits for them. */
  private readonly hosting = new Map<string, Promise<Hosted>>();
  private readonly pipeline: Pipeline;
  private readonly log: Logger;

  constructor(private readonly deps: RobotManagerDeps) {
    super();
    this.log = deps.log.child({ module: 'robots' });
    this.pipeline = composePipeline(deps.stages, deps.log.child({ module: 'pipeline' }), {
      sampleEvery: STAGE_SAMPLE_EVERY,
      observe: (plugin, seconds) => this.emit('stage-timed', { plugin, seconds }),
    });
    wechatyLog.level((deps.wechatyLogLevel ?? 'silent') as never);
    deps.fleet.attach(this.fleetHost);
  }

  /** Creates the robot record (not started). */
  create(input: CreateRobotInput): Promise<RobotView> {
    return this.deps.robots.create(input);
  }

  /**
   * Joins the fleet: this process takes its share of the robots whose desired state is running
   * (at boot, then every round), and answers calls about them from other processes.
   */
  startAll(): Promise<void> {
    return this.deps.fleet.start();
  }

  /**
   * Starts a robot (it shows a QR code or logs in); it will also start at the next boot. Here
   * when this process may take it, else in the process that holds it (or the next one that takes it).
   */
  async start(id: string): Promise<void> {
    const robot = await this.deps.robots.get(id);
    if (!robot) throw new RobotNotFoundError(`robot ${id} not found`);
    await this.deps.robots.setDesired(id, 'running');
    const hosted = this.hosted.get(id);
    if (hosted) return hosted.robot.start();
    const where = await this.deps.fleet.acquire(id, robot.pin);
    if (where.at === 'here') await (await this.host(id)).robot.start();
    else if (where.at === 'elsewhere') await this.deps.fleet.call(id, 'start');
  }

  /** Stops a robot and keeps it stopped across restarts (wherever it runs). */
  async stop(id: string): Promise<void> {
    await this.deps.robots.setDesired(id, 'stopped');
    await this.stopAnywhere(id);
  }

  async logout(id: string): Promise<void> {
    const hosted = this.hosted.get(id);
    if (!hosted) return void (await this.deps.fleet.call(id, 'logout'));
    await hosted.robot.logout();
  }

  /** Stops a robot and deletes it with its rooms. */
  async delete(id: string): Promise<boolean> {
    await this.stopAnywhere(id);
    const deleted = await this.deps.robots.delete(id);
    if (deleted) {
      await this.deps.rooms.deleteForRobot(id);
      await this.deps.fleet.leases.remove(id);
    }
    return deleted;
  }

  /** Syncs the robot's rooms from its puppet now. */
  async syncRooms(id: string): Promise<SyncResult> {
    const hosted = this.hosted.get(id);
    if (!hosted) return (await this.deps.fleet.call(id, 'sync')) as SyncResult;
    const found = await hosted.robot.findRooms();
    const result = await this.deps.rooms.sync(id, hosted.view.agentCode, found);
    this.log.info({ robotId: id, created: result.created, updated: result.updated, gone: result.gone }, 'rooms synced');
    this.emit('rooms-synced', { robotId: id, result });
    return result;
  }

  /** Queues a send through the robot's outbox (pacing applies). */
  async send(robotId: string, send: ManagedSend): Promise<SendTicket> {
    return (await this.sendAll(robotId, [send]))[0] as SendTicket;
  }

  /**
   * Queues sends that belong together through the robot's outbox: all in order, or none
   * (outbox_full). A robot of another process, or one waiting for a process to take it: logged
   * here as queued, and its holder is told to pick them up.
   */
  async sendAll(robotId: string, sends: readonly ManagedSend[]): Promise<SendTicket[]> {
    const hosted = this.hosted.get(robotId);
    if (hosted) return hosted.outbox.enqueueAll(sends);
    if (!(await this.deps.robots.runPlans([robotId])).has(robotId))
      throw new RobotNotFoundError(`robot ${robotId} is not running`);
    const { sendLog, outbox, clock } = this.deps;
    if ((await sendLog.countQueued(robotId)) + sends.length > outbox.maxQueue)
      throw new OutboxFullError(robotId, outbox.maxQueue);
    const records = await sendLog.createAll(sends.map((send) => ({ ...send, robotId })));
    await this.adopt(robotId, records);
    const sleep = (ms: number) => clock.sleep(ms);
    // Read back only when someone waits for the outcome; a failed read answers the record as queued.
    return records.map((record) => {
      let settled: Promise<SendRecord> | undefined;
      return {
        record,
        get settled() {
          return (settled ??= sendLog.settledRecord(record.id, sleep).catch(() => record));
        },
      };
    });
  }

  /** True when the robot runs in this process (it may still be logging in). */
  isHosted(robotId: string): boolean {
    return this.hosted.has(robotId);
  }

  /** True when the robot runs in a live process, this one or another. */
  async isRunning(robotId: string): Promise<boolean> {
    return this.hosted.has(robotId) || (await this.deps.fleet.whereabouts(robotId)).at !== 'nowhere';
  }

  /**
   * Of these robots, those whose sends go out: running here or in another live process, or
   * desired running and waiting for a process to take them (their sends wait in the database).
   */
  async runningOf(robotIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(robotIds)];
    const out = await this.deps.fleet.runningOf(unique);
    for (const id of (await this.deps.robots.runPlans(unique.filter((id) => !out.has(id)))).keys()) out.add(id);
    return out;
  }

  /** A robot's status where it runs (undefined: it runs nowhere). */
  async statusOf(robotId: string): Promise<RobotStatus | undefined> {
    const hosted = this.hosted.get(robotId);
    if (hosted) return hosted.robot.status;
    if ((await this.deps.fleet.whereabouts(robotId)).at === 'nowhere') return undefined;
    return (await this.deps.robots.get(robotId))?.status;
  }

  /**
   * Hands sends already in the send log to the robot's outbox, here or (told through the fleet)
   * in the process that hosts it; false when it runs nowhere (they stay queued in the database
   * and go when a process next takes it).
   */
  async adopt(robotId: string, records: readonly SendRecord[]): Promise<boolean> {
    const hosted = this.hosted.get(robotId);
    if (hosted) {
      hosted.outbox.adopt(records);
      return true;
    }
    const ids = records.map((r) => r.id);
    return this.deps.fleet.call(robotId, 'pickup', { sendIds: ids }, false).then(
      () => true,
      () => false,
    );
  }

  /** Recalls a message the robot sent (false when the puppet refuses, e.g. past WeChat's window). */
  async recall(robotId: string, messageId: string): Promise<boolean> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) return (await this.deps.fleet.call(robotId, 'recall', { messageId })) as boolean;
    return hosted.robot.recall(messageId);
  }

  /** The robot's own WeChat profile (it must be logged in). */
  async selfProfile(robotId: string): Promise<SelfProfile> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) return (await this.deps.fleet.call(robotId, 'profile')) as SelfProfile;
    return hosted.robot.selfProfile();
  }

  /**
   * The robot leaves one of its rooms (it must be logged in) and the room is marked gone:
   * nothing more is sent to it.
   */
  async quitRoom(robotId: string, room: { id: string; puppetId: string }): Promise<void> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) return void (await this.deps.fleet.call(robotId, 'quit-room', { room }));
    await hosted.robot.quitRoom(room.puppetId);
    await this.deps.rooms.markGone(room.id);
  }

  /** Re-reads a running robot's record (after the API changed its agent code or callback), wherever it runs. */
  async refresh(id: string): Promise<void> {
    const hosted = this.hosted.get(id);
    if (!hosted) {
      // A notice, not awaited: the process that hosts it re-reads the record when it gets it.
      await this.deps.fleet.call(id, 'refresh', {}, false).catch(() => undefined);
      return;
    }
    const view = await this.deps.robots.get(id);
    if (view) hosted.view = view;
  }

  /** The ids of the robots running in this process. */
  hostedIds(): string[] {
    return [...this.hosted.keys()];
  }

  robot(id: string): Robot | undefined {
    return this.hosted.get(id)?.robot;
  }

  outbox(id: string): RobotOutbox | undefined {
    return this.hosted.get(id)?.outbox;
  }

  get size(): number {
    return this.hosted.size;
  }

  /**
   * Stops every robot hosted here and gives their leases back (their desired state is kept: the
   * next boot, or another process, starts them again).
   */
  async stopAll(): Promise<void> {
    const ids = [...this.hosted.keys()];
    await Promise.all(ids.map((id) => this.unhost(id)));
    await this.deps.fleet.release(ids).catch((err) => this.log.error({ err }, 'leases not released: they expire'));
  }

  /**
   * Process shutdown: leaves the fleet's rounds, stops every robot, gives their leases back (the
   * other processes take them at once instead of waiting for the leases to expire), then lets
   * each plugin flush what it holds.
   */
  async shutdown(): Promise<void> {
    await this.deps.fleet.stop();
    await this.stopAll();
    await this.deps.fleet.leave().catch((err) => this.log.error({ err }, 'fleet not left: its leases expire'));
    for (const stage of this.deps.stages) {
      try {
        await stage.dispose?.();
      } catch (err) {
        this.log.error({ err, plugin: stage.name }, 'plugin dispose failed');
      }
    }
  }

  /** Stops a robot here, or asks the process that hosts it; its lease is given back. */
  private async stopAnywhere(id: string): Promise<void> {
    if (this.hosted.has(id)) {
      await this.unhost(id);
      await this.deps.fleet.release([id]);
      return;
    }
    // Another process: asked now; if it does not answer, its next round hands the robot back anyway.
    await this.deps.fleet.call(id, 'stop').catch((err: Error) => {
      if (!(err instanceof RobotNotFoundError))
        this.log.warn({ err, robotId: id }, 'stop not confirmed by its process');
    });
  }

  private async unhost(id: string): Promise<void> {
    await this.hosting.get(id)?.catch(() => undefined);
    const hosted = this.hosted.get(id);
    if (!hosted) return;
    this.hosted.delete(id);
    await hosted.robot.stop();
    await hosted.outbox.stop();
    hosted.robot.removeAllListeners();
  }

  /** What the fleet asks of this manager: host robots it took, stop those it lost, run calls. */
  private readonly fleetHost: FleetHost = {
    host: async (id) => {
      await (await this.host(id)).robot.start();
    },
    unhost: (id) => this.unhost(id),
    execute: (id, kind, args) => this.execute(id, kind, args),
  };

  /** Runs a call from another process about a robot hosted here. */
  private async execute(id: string, kind: RobotCommandKind, args: Record<string, unknown>): Promise<unknown> {
    const hosted = this.hosted.get(id);
    if (!hosted) throw new RobotNotFoundError(`robot ${id} is not running in this process`);
    switch (kind) {
      case 'start':
        return hosted.robot.start();
      case 'stop':
        return this.stopAnywhere(id);
      case 'logout':
        return this.logout(id);
      case 'sync':
        return this.syncRooms(id);
      case 'recall':
        return this.recall(id, String(args.messageId));
      case 'profile':
        return this.selfProfile(id);
      case 'quit-room':
        return this.quitRoom(id, args.room as { id: string; puppetId: string });
      case 'refresh':
        return this.refresh(id);
      case 'pickup':
        return hosted.outbox.adopt(await this.deps.sendLog.queuedByIds(id, (args.sendIds as string[]) ?? []));
    }
  }

  /** The robot hosted here under its current lease, set up once however many callers ask together. */
  private async host(id: string): Promise<Hosted> {
    const fence = this.deps.fleet.fence(id);
    if (!fence?.held()) throw new RobotNotFoundError(`robot ${id} is not held by this process`);
    const existing = this.hosted.get(id);
    // One left from an earlier lease of this process (lost, then taken again): replaced.
    if (existing && existing.epoch !== fence.epoch) await this.unhost(id);
    else if (existing) return existing;
    const pending = this.hosting.get(id);
    if (pending) return pending;
    const setup = this.setUp(id, fence).finally(() => this.hosting.delete(id));
    this.hosting.set(id, setup);
    return setup;
  }

  private async setUp(id: string, fence: NonNullable<ReturnType<Fleet['fence']>>): Promise<Hosted> {
    const view = await this.deps.robots.get(id);
    if (!view) throw new RobotNotFoundError(`robot ${id} not found`);
    const settings = await this.deps.robots.puppetSettings(id);
    const log = this.log.child({ robotId: id });
    const cacheDir = path.resolve(this.deps.dataDir, 'robots', id);
    await mkdir(cacheDir, { recursive: true });
    const robot = new Robot({
      id,
      initialStatus: view.status,
      createPuppet: () => this.deps.createPuppet(settings ?? { kind: view.puppetKind }, { id, cacheDir }),
      memoryPath: path.join(cacheDir, 'wechaty'),
      // A process that lost the lease no longer speaks for the robot (the new holder does).
      saveStatus: async (status, extra) => {
        if (fence.held()) await this.deps.robots.setStatus(id, status, extra);
      },
      policy: this.deps.policy,
      clock: this.deps.clock,
      log,
    });
    const outbox = new RobotOutbox({
      robotId: id,
      sender: robot,
      sendLog: this.deps.sendLog,
      clock: this.deps.clock,
      policy: this.deps.outbox,
      fence,
      log,
    });
    // The lease may have gone while the records were read: then nothing is started.
    if (!fence.held()) throw new RobotNotFoundError(`robot ${id} is no longer held by this process`);
    const hosted: Hosted = { robot, view, outbox, recovered: false, epoch: fence.epoch };
    this.hosted.set(id, hosted);
    // Each Wechaty adds process listeners; many robots in one process are intended.
    process.setMaxListeners(Math.max(process.getMaxListeners(), 20 + 4 * this.hosted.size));
    this.wire(hosted, log);
    outbox.start();
    return hosted;
  }

  private wire(h: Hosted, log: Logger): void {
    const { robot, outbox } = h;
    const id = robot.id;
    robot.on('status', (s) => {
      if (s.status !== 'logged_in') outbox.pause();
      this.emit('status', { robotId: id, ...s });
    });
    robot.on('qrcode', (qr) => this.emit('qrcode', { robotId: id, qr }));
    robot.on('logout', () => this.emit('logout', { robotId: id }));
    robot.on('login', (who) => {
      this.emit('login', { robotId: id, ...who });
      void this.afterLogin(h, log);
    });
    robot.on('event', (event) => this.handle(h, event, log));
    robot.on('request', (request) => this.emit('request', { robotId: id, request }));
    outbox.on('settled', (record) => this.emit('settled', { robotId: id, record }));
  }

  private async afterLogin(h: Hosted, log: Logger): Promise<void> {
    const id = h.robot.id;
    // A robot whose lease is gone does not speak for the account: the holder recovers and syncs.
    if (!this.deps.fleet.fence(id)?.held()) return;
    await this.refresh(id).catch((err) => log.error({ err }, 'robot record unavailable'));
    try {
      if (!h.recovered) {
        await h.outbox.recover(h.epoch);
        h.recovered = true;
      }
      h.outbox.resume();
    } catch (err) {
      log.error({ err }, 'outbox recovery failed');
    }
    try {
      await this.syncRooms(id);
    } catch (err) {
      log.error({ err }, 'room sync after login failed');
    }
  }

  private handle(h: Hosted, event: BotEvent, log: Logger): void {
    const view = h.view;
    const wxRoom = event.room;
    // The cached room (the common case) goes straight to the pipeline, without an await.
    const cached = wxRoom ? this.deps.rooms.peek(view.id, wxRoom.id) : undefined;
    if (cached || !wxRoom) {
      this.pipeline.dispatch(createContext({ event, robot: view, room: cached, outbox: h.outbox, log }), this.handled);
      return;
    }
    this.deps.rooms
      .resolve(
        view.id,
        wxRoom.id,
        async () => ({
          puppetId: wxRoom.id,
          topic: await wxRoom.topic(),
          memberCount: wxRoom.payload?.memberIdList?.length ?? 0,
        }),
        view.agentCode,
      )
      .then(
        (room) =>
          this.pipeline.dispatch(createContext({ event, robot: view, room, outbox: h.outbox, log }), this.handled),
        (err: unknown) => {
          log.error({ err, eventId: event.id }, 'event handling failed');
          this.emit('handled', { robotId: event.robotId, event });
        },
      );
  }

  /** Reports an event the pipeline is done with (one function for all: no closure per message). */
  private readonly handled = ({ event, room }: RunContext): void => {
    this.emit('handled', room ? { robotId: event.robotId, event, roomId: room.id } : { robotId: event.robotId, event });
  };
}
