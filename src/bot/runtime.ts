import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Db } from '../db/types';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { systemClock, type Clock } from './core/clock';
import type { PipelineStage } from './pipeline';
import { Fleet, type FleetMember } from './fleet/fleet';
import { processId } from './fleet/lease-rules';
import { processAlive } from './fleet/process-liveness';
import { createPuppetFactory, type PuppetFactory } from './puppets';
import { RobotManager } from './robot-manager';
import { RobotService } from './robot.service';
import { RoomService } from './room.service';
import { SendLogService } from './send-log.service';

/** What the bot side is built from (src/main.ts passes them). */
export interface RuntimeDeps {
  config: Readonly<Pick<Config, 'bot' | 'outbox' | 'dataDir' | 'timeZone' | 'fleet'>>;
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

/** The bot side of qunbot: the services, the manager that hosts the robots and this process's place in the fleet. */
export interface Runtime extends RuntimeServices {
  manager: RobotManager;
  fleet: Fleet;
}

/**
 * The host name, with the pid namespace where Linux tells it: two containers that share a host
 * name but not their pids (both pid 1) are two hosts, not one.
 */
function defaultHostId(): string {
  try {
    const ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1];
    return ns ? `${os.hostname()}-${ns}` : os.hostname();
  } catch {
    return os.hostname();
  }
}

/** This process as the fleet knows it: host id, pid, a boot id of its own, and its label. */
export function fleetMember(config: Pick<Config, 'fleet'>): FleetMember {
  const identity = {
    host: config.fleet.hostId ?? defaultHostId(),
    pid: process.pid,
    boot: randomBytes(4).toString('hex'),
  };
  return {
    ...identity,
    id: processId(identity),
    label: config.fleet.processLabel ?? `${identity.host}:${identity.pid}`,
  };
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
  const f = config.fleet;
  // Leases are about real time between processes: the system clock, whatever clock the robots use.
  const fleet = new Fleet({
    connection,
    robots,
    sendLog,
    clock: systemClock,
    log: deps.log,
    member: fleetMember(config),
    alive: processAlive,
    policy: {
      leaseMs: f.leaseSec * 1000,
      marginMs: (f.leaseSec * 1000) / 6,
      perRound: f.takePerRound,
      maxRobots: f.maxRobots,
      commandTimeoutMs: f.callTimeoutSec * 1000,
      commandPollMs: 200,
    },
  });
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
    fleet,
  });
  return { ...services, manager, fleet };
}
