import type { AuthFailureLimiter } from '../../auth/auth-failure-limiter';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { EndpointRouter } from '../../http/endpoint';
import type { Runtime } from '../../bot/runtime';
import type { Broadcasts } from '../../broadcasts';
import type { RoomStats } from '../../stats';
import type { GroupOwners } from '../../owners';
import type { LaunchService } from '../../launch';
import type { SensitiveWordService } from '../../sensitive/sensitive-words.service';
import type { PluginEndpointDeps } from '../../plugins/plugin-package';
import type { WebhookOutbox } from '../../webhooks/outbox';
import type { People } from './people';
import type { ScriptDeps } from './scripts.endpoints';

/** What the native API needs, passed in explicitly by the composition root (src/main.ts). */
export interface V1Deps {
  runtime: Runtime;
  /** Adds the plugins' own endpoints (`InstalledPlugins.endpoints`); absent: none. */
  pluginEndpoints?(api: EndpointRouter, core: Omit<PluginEndpointDeps<unknown>, 'services'>): void;
  /** Adds the enabled seed dialects' settings endpoints; absent: none. */
  dialectEndpoints?(api: EndpointRouter): void;
  keys: ApiKeyService;
  /** Operator accounts, roles and sessions; without them only API keys authenticate. */
  people?: People;
  /** Counts wrong API keys and refuses clients over the limit (429); absent: no limit. */
  authLimiter?: AuthFailureLimiter;
  maxPageSize: number;
  /** Keep-alive of the event stream (GET /events), in ms; default 25 s. */
  eventsHeartbeatMs?: number;
  /** Rejects (with a 4xx AppError) a callback URL that may not be called (SSRF guard). */
  checkCallbackUrl(url: string): Promise<void>;
  /** The webhook outbox (subscriptions, deliveries); without it the /webhooks endpoints are absent. */
  webhooks?: WebhookOutbox;
  /** Reply scripts; without them the /script-groups endpoints are absent. */
  scripts?: ScriptDeps['scripts'];
  /** Captured mentions, for sending a script item as a reply. */
  mentions?: ScriptDeps['mentions'];
  /** Sensitive-word lists; without them nothing is screened and the /sensitive-words endpoints are absent. */
  sensitive?: SensitiveWordService;
  /** Rooms' daily statistics; without them the /statistics endpoints are absent. */
  stats?: RoomStats;
  /** Group owners (seed 002 users), their robots and groups; without them the /group-owners endpoints are absent. */
  groupOwners?: GroupOwners;
  /** Launch switches and delivery tasks (seed 002 投放); without them the /launch-tasks endpoints are absent. */
  launch?: LaunchService;
  /** Scheduled broadcasts; without it the /broadcasts endpoints are absent. */
  broadcasts?: Broadcasts;
}
