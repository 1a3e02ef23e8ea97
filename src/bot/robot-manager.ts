import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { log as wechatyLog } from 'wechaty';
import type { Logger } from '../logger';
import type { Clock } from './core/clock';
import type { RobotStatus } from './core/robot-state';
import { createContext, type RunContext } from './context';
import type { OutboundContent } from './content';
import { RobotOutbox, type OutboxPolicy } from './outbox';
import { composePipeline, type Pipeline, type PipelineStage } from './pipeline';
import type { BotEvent, SendTicket } from './plugin';
import type { PuppetFactory } from './puppets';
import { Robot, type RobotPolicy, type RobotRequest, type SelfProfile } from './robot';
import type { CreateRobotInput, QrCode, RobotService, RobotView } from './robot.service';
import type { RoomService, SyncResult } from './room.service';
import type { SendLogService, SendRecord } from './send-log.service';

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
}

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
}

interface Hosted {
  robot: Robot;
  /** The robot record as of the last login or refresh (read on every event, so kept in memory). */
  view: RobotView;
  outbox: RobotOutbox;
  recovered: boolean;
}

/** Thrown for operations on a robot id that does not exist. */
export class RobotNotFoundError extends Error {
  override name = 'RobotNotFoundError';
  readonly code = 'robot_not_found';
}

/**
 * Hosts many robots in one process: each its own Wechaty, puppet, cache folder and outbox.
 * One robot failing never affects another. The API and jobs drive robots through this class.
 */
export class RobotManager extends EventEmitter<RuntimeEvents> {
  private readonly hosted = new Map<string, Hosted>();
  private readonly pipeline: Pipeline;
  private readonly log: Logger;

  constructor(private readonly deps: RobotManagerDeps) {
    super();
    this.log = deps.log.child({ module: 'robots' });
    this.pipeline = composePipeline(deps.stages, deps.log.child({ module: 'pipeline' }));
    wechatyLog.level((deps.wechatyLogLevel ?? 'silent') as never);
  }

  /** Creates the robot record (not started). */
  create(input: CreateRobotInput): Promise<RobotView> {
    return this.deps.robots.create(input);
  }

  /** Starts every robot whose desired state is running (at boot). */
  async startAll(): Promise<void> {
    const ids = await this.deps.robots.idsToRun();
    await Promise.all(
      ids.map((id) => this.start(id).catch((err) => this.log.error({ err, robotId: id }, 'robot failed to start'))),
    );
  }

  /** Starts a robot (it shows a QR code or logs in); it will also start at the next boot. */
  async start(id: string): Promise<void> {
    const hosted = await this.host(id);
    await this.deps.robots.setDesired(id, 'running');
    await hosted.robot.start();
  }

  /** Stops a robot and keeps it stopped across restarts. */
  async stop(id: string): Promise<void> {
    await this.deps.robots.setDesired(id, 'stopped');
    await this.unhost(id);
  }

  async logout(id: string): Promise<void> {
    const hosted = this.hosted.get(id);
    if (!hosted) throw new RobotNotFoundError(`robot ${id} is not running`);
    await hosted.robot.logout();
  }

  /** Stops a robot and deletes it with its rooms. */
  async delete(id: string): Promise<boolean> {
    await this.unhost(id);
    const deleted = await this.deps.robots.delete(id);
    if (deleted) await this.deps.rooms.deleteForRobot(id);
    return deleted;
  }

  /** Syncs the robot's rooms from its puppet now. */
  async syncRooms(id: string): Promise<SyncResult> {
    const hosted = this.hosted.get(id);
    if (!hosted) throw new RobotNotFoundError(`robot ${id} is not running`);
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

  /** Queues sends that belong together through the robot's outbox: all in order, or none (outbox_full). */
  async sendAll(robotId: string, sends: readonly ManagedSend[]): Promise<SendTicket[]> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) throw new RobotNotFoundError(`robot ${robotId} is not running`);
    return hosted.outbox.enqueueAll(sends);
  }

  /** True when the robot runs in this process (it may still be logging in). */
  isHosted(robotId: string): boolean {
    return this.hosted.has(robotId);
  }

  /**
   * Hands sends already in the send log to a running robot's outbox; false when the robot is not
   * running here (they stay queued in the database and go when it next logs in).
   */
  adopt(robotId: string, records: readonly SendRecord[]): boolean {
    const hosted = this.hosted.get(robotId);
    if (!hosted) return false;
    hosted.outbox.adopt(records);
    return true;
  }

  /** Recalls a message the robot sent (false when the puppet refuses, e.g. past WeChat's window). */
  async recall(robotId: string, messageId: string): Promise<boolean> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) throw new RobotNotFoundError(`robot ${robotId} is not running`);
    return hosted.robot.recall(messageId);
  }

  /** The robot's own WeChat profile (it must be logged in here). */
  async selfProfile(robotId: string): Promise<SelfProfile> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) throw new RobotNotFoundError(`robot ${robotId} is not running`);
    return hosted.robot.selfProfile();
  }

  /**
   * The robot leaves one of its rooms (it must be logged in here) and the room is marked gone:
   * nothing more is sent to it.
   */
  async quitRoom(robotId: string, room: { id: string; puppetId: string }): Promise<void> {
    const hosted = this.hosted.get(robotId);
    if (!hosted) throw new RobotNotFoundError(`robot ${robotId} is not running`);
    await hosted.robot.quitRoom(room.puppetId);
    await this.deps.rooms.markGone(room.id);
  }

  /** Re-reads a running robot's record (after the API changed its agent code or callback). */
  async refresh(id: string): Promise<void> {
    const hosted = this.hosted.get(id);
    const view = hosted && (await this.deps.robots.get(id));
    if (hosted && view) hosted.view = view;
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

  /** Shutdown: stops every robot (their desired state is kept for the next boot). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.hosted.keys()].map((id) => this.unhost(id)));
  }

  /** Process shutdown: stops every robot, then lets each plugin flush what it holds. */
  async shutdown(): Promise<void> {
    await this.stopAll();
    for (const stage of this.deps.stages) {
      try {
        await stage.dispose?.();
      } catch (err) {
        this.log.error({ err, plugin: stage.name }, 'plugin dispose failed');
      }
    }
  }

  private async unhost(id: string): Promise<void> {
    const hosted = this.hosted.get(id);
    if (!hosted) return;
    this.hosted.delete(id);
    await hosted.robot.stop();
    await hosted.outbox.stop();
    hosted.robot.removeAllListeners();
  }

  private async host(id: string): Promise<Hosted> {
    const existing = this.hosted.get(id);
    if (existing) return existing;
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
      saveStatus: (status, extra) => this.deps.robots.setStatus(id, status, extra),
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
      log,
    });
    const hosted: Hosted = { robot, view, outbox, recovered: false };
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
    await this.refresh(id).catch((err) => log.error({ err }, 'robot record unavailable'));
    try {
      if (!h.recovered) {
        await h.outbox.recover();
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
