import type { TextScreen } from '../http/text-screen';
import type { BotEventKind, BotPlugin, PluginScope } from '../bot/plugin';
import type { Clock } from '../bot/core/clock';
import type { RobotManager } from '../bot/robot-manager';
import type { RobotView } from '../bot/robot.service';
import type { SendRecord } from '../bot/send-log.service';
import type { RoomView } from '../bot/room.service';
import type { Db } from '../db/types';
import type { EndpointRouter } from '../http/endpoint';

/** What a plugin builds its own dependencies from (see `PluginPackage.services`). */
export interface PluginDataDeps {
  db: Db;
  clock: Clock;
  /** IANA time zone of calendar days (config `timeZone`). */
  timeZone: string;
}

/** What a plugin's `/api/v1` endpoints get: its own services and the core's owner checks. */
export interface PluginEndpointDeps<D> {
  services: D;
  robots: { get(id: string): Promise<RobotView | null> };
  rooms: { get(id: string): Promise<RoomView | null> };
  /**
   * Queues a send in a robot's paced outbox; rejects with 409 robot_not_running or 429
   * outbox_full (AppErrors) when it cannot be queued.
   */
  send(robotId: string, send: Parameters<RobotManager['send']>[1]): Promise<SendRecord>;
  maxPageSize: number;
  /** Refuses written texts holding a sensitive word of the owner's lists (400 sensitive_word); absent: none screened. */
  screen?: TextScreen;
}

/**
 * Everything of one plugin, from its folder `src/plugins/<name>/`: the pipeline stage
 * (`BotPlugin`), the narrow dependencies it builds from the database (its services and the
 * clock, built once and shared by the stage and the endpoints), and its `/api/v1` endpoints.
 * The registry (`src/plugins/index.ts`) is the only file outside the folder that names it.
 */
export interface PluginPackage<
  N extends string = string,
  C = unknown,
  D = unknown,
  K extends BotEventKind = BotEventKind,
  S extends PluginScope = PluginScope,
> extends BotPlugin<C, D, K, S> {
  name: N;
  /** Builds the plugin's dependencies (called once per process). */
  services(deps: PluginDataDeps): D;
  /** Adds the plugin's endpoints to the native API (absent: the plugin has none). */
  endpoints?(api: EndpointRouter, deps: PluginEndpointDeps<NoInfer<D>>): void;
}

/** Declares a plugin package, keeping its literal name, config, dependency and event types. */
export function definePlugin<N extends string, C, D, K extends BotEventKind, S extends PluginScope>(
  plugin: PluginPackage<N, C, D, K, S>,
): PluginPackage<N, C, D, K, S> {
  return plugin;
}
