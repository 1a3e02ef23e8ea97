import type { Db } from '../db/types';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { systemClock, type Clock } from './core/clock';
import type { PipelineStage } from './pipeline';
import { createPuppetFactory, type PuppetFactory } from './puppets';
import { RobotManager } from './robot-manager';
import { RobotService } from './robot.service';
import { RoomService } from './room.service';
import { SendLogService } from './send-log.service';

/** What the bot side is built from (src/main.ts passes them). */
export interface RuntimeDeps {
  config: Readonly<Pick<Config, 'bot' | 'outbox' | 'dataDir' | 'timeZone'>>;
  connection: Db;
  log: Logger;
  /** The plugin stages (src/plugins/index.ts builds them), or a function of the bot's services. */
  stages?: readonly PipelineStage[] | ((services: RuntimeServices) => readonly PipelineStage[]);
  createPuppet?: PuppetFactory;
  clock?: Clock;
}

/** The bot's services over the database (robots, rooms, the send log) and its clock. */
export interface RuntimeServices {
  robots: RobotService;
  rooms: RoomService;
  sendLog: SendLogService;
  clock: Clock;
}

/** The bot side of qunbot: the services and the manager that hosts the robots. */
export interface Runtime extends RuntimeServices {
  manager: RobotManager;
}

/** Builds the bot services and the robot manager; robots start when the caller says so. */
export function createRuntime(deps: RuntimeDeps): Runtime {
  const { config, connection } = deps;
  const clock = deps.clock ?? systemClock;
  const { token, endpoint, kind, tlsDisable } = config.bot.defaultPuppet;
  const robots = new RobotService(connection, {
    kind,
    tlsDisable,
    ...(token ? { token } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  const rooms = new RoomService(connection, () => clock.now());
  const sendLog = new SendLogService(connection);
  const services: RuntimeServices = { robots, rooms, sendLog, clock };
  const stages = typeof deps.stages === 'function' ? deps.stages(services) : (deps.stages ?? []);
  const b = config.bot;
  const manager = new RobotManager({
    robots,
    rooms,
    sendLog,
    createPuppet: deps.createPuppet ?? createPuppetFactory(),
    stages,
    policy: {
      startTimeoutMs: b.startTimeoutSec * 1000,
      qrTtlMs: b.qrTtlSec * 1000,
      maxMessageAgeMs: b.maxMessageAgeSec * 1000,
      dedupe: { size: b.dedupe.size, ttlMs: b.dedupe.ttlSec * 1000 },
      backoff: b.backoff,
      errorBurst: b.errorBurst,
    },
    outbox: config.outbox,
    dataDir: config.dataDir,
    clock,
    log: deps.log,
    wechatyLogLevel: b.wechatyLogLevel,
  });
  return { ...services, manager };
}
