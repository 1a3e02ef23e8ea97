import type { TextScreen } from '../../http/text-screen';
import type { Config } from '../../../config';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { AuthFailureLimiter } from '../../auth/auth-failure-limiter';
import type { Runtime } from '../../bot/runtime';
import type { Broadcasts } from '../../broadcasts';
import type { Db } from '../../db/types';
import type { Logger } from '../../logger';
import type { SignInService } from '../../plugins/sign-in/sign-in.service';
import type { WebhookOutbox } from '../../webhooks/outbox';
import type { Mount } from './mount';
import { seed000Mount, seed000Router } from './seed000';
import type { EndpointRouter } from '../../http/endpoint';
import {
  DeveloperCallbacks,
  developerCallbackEndpoints,
  seed001Mount,
  seed001Router,
  startSeed001Callbacks,
} from './seed001';
import { seed003Mount, startSeed003 } from './seed003';
import { SignatureReplay, seed004Mount, seed004Router } from './seed004';
import { AppStatusService, OwnerTokens, seed002Mount, seed002Router, startMentionNotices } from './seed002';
import type { MentionService } from '../../plugins/mention-capture/mention.service';
import type { LaunchService } from '../../launch';
import type { GroupOwners } from '../../owners';
import type { RoomStats } from '../../stats';
import type { WelcomeService } from '../../plugins/welcome/welcome.service';
import type { KeywordRuleService } from '../../plugins/keyword-reply/keyword-rule.service';
import type { ScriptService } from '../../scripts/scripts.service';
import type { People } from '../v1/people';

/** What the seed dialects translate onto: the same services as the native API. */
export interface DialectDeps {
  config: Config;
  connection: Db;
  runtime: Runtime;
  keys: ApiKeyService;
  /** Failed-authentication limiter shared by every door; absent: no limit. */
  authLimiter?: AuthFailureLimiter;
  outbox: WebhookOutbox;
  broadcasts: Broadcasts;
  signIn: Pick<SignInService, 'defineKeyword'>;
  checkCallbackUrl(url: string): Promise<void>;
  /** Operators, roles and sessions (seed 004 signs its operators in). */
  people: People;
  /** Reply scripts (seed 004 话术). */
  scripts: ScriptService;
  /** Refuses written texts holding a sensitive word; absent: none screened. */
  screen?: TextScreen;
  /** Group owners, their robots and groups (seed 002). */
  groupOwners: GroupOwners;
  /** Rooms' daily statistics (seed 002 群主群数据). */
  stats: RoomStats;
  /** The welcome plugin's per-room settings (seed 002 welcome_msg). */
  welcome: WelcomeService;
  /** The keyword-reply plugin's rules (seed 002 keywords). */
  keywords: KeywordRuleService;
  /** Captured @-mentions (seed 002 @消息). */
  mentions: MentionService;
  /** Launch switches and delivery tasks (seed 002 投放). */
  launch: LaunchService;
  log: Logger;
}

/** One enabled dialect: its mount (routers, prefix, error shape), and what it stops at shutdown. */
export interface StartedDialect {
  mount: Mount;
  /** Adds the dialect's settings endpoints to the native API (e.g. seed 001's developer callbacks). */
  nativeEndpoints?(api: EndpointRouter): void;
  stop?(): void;
}

/** A seed dialect: on when its config says so; started, it registers what it needs (webhook formats, listeners). */
interface Dialect {
  name: string;
  enabled(config: Config): boolean;
  start(deps: DialectDeps): StartedDialect;
}

/** Every seed dialect qunbot speaks (each off unless configured; see the README's "Seed dialects"). */
const DIALECTS: readonly Dialect[] = [
  {
    name: 'seed001',
    enabled: (c) => c.compat.seed001.enabled,
    start: (d) => {
      const settings = d.config.compat.seed001;
      // An owner's callback token is derived from the webhook master key: shown to the owner, never stored.
      const tokenFor = (owner: string) => d.outbox.derivedKey(`seed001-callback:${owner}`);
      const developerCallbacks = new DeveloperCallbacks(d.connection, {
        robots: d.runtime.robots,
        defaultUrl: settings.callbackUrl,
        tokenFor,
      });
      const callbacks = startSeed001Callbacks({
        manager: d.runtime.manager,
        rooms: d.runtime.rooms,
        outbox: d.outbox,
        callbacks: developerCallbacks,
        tokenFor,
        defaultToken: settings.callbackToken,
        log: d.log,
      });
      const router = seed001Router({
        runtime: d.runtime,
        ...(settings.prefix ? { prefix: settings.prefix } : {}),
        keys: d.keys,
        ...(d.authLimiter ? { authLimiter: d.authLimiter } : {}),
        log: d.log,
        checkCallbackUrl: d.checkCallbackUrl,
        // Links stay valid across restarts and processes, and point at the public address.
        qrLinkSecret: d.config.compat.seed001.qrLinkSecret ?? d.outbox.derivedKey('seed001-qr-links'),
        ...(d.config.compat.seed001.imagesPerMinute
          ? { imagesPerMinute: d.config.compat.seed001.imagesPerMinute }
          : {}),
        ...(d.config.http.publicOrigin ? { publicOrigin: d.config.http.publicOrigin } : {}),
      });
      return {
        mount: seed001Mount([router], settings.prefix),
        nativeEndpoints: (api) =>
          developerCallbackEndpoints(api, { callbacks: developerCallbacks, checkCallbackUrl: d.checkCallbackUrl }),
        stop: () => callbacks.stop(),
      };
    },
  },
  {
    name: 'seed000',
    enabled: (c) => Boolean(c.compat.seed000?.enabled),
    start: (d) => {
      const s0 = d.config.compat.seed000!;
      const router = seed000Router({
        runtime: d.runtime,
        ...(s0.prefix ? { prefix: s0.prefix } : {}),
        signIn: d.signIn,
        log: d.log,
        platforms: s0.platforms ?? [],
        qrWaitMs: s0.qrWaitSec * 1000,
        broadcasts: d.broadcasts,
        ...(d.authLimiter ? { authLimiter: d.authLimiter } : {}),
      });
      return { mount: seed000Mount([router], s0.prefix) };
    },
  },
  {
    name: 'seed003',
    enabled: (c) => Boolean(c.compat.seed003?.enabled),
    start: (d) => {
      const seed003 = startSeed003({
        runtime: d.runtime,
        connection: d.connection,
        outbox: d.outbox,
        settings: d.config.compat.seed003!,
        timeZone: d.config.timeZone,
        bodyLimitKb: d.config.api.bodyLimitKb,
        log: d.log,
        ...(d.authLimiter ? { authLimiter: d.authLimiter } : {}),
      });
      return { mount: seed003Mount([seed003.router], d.config.compat.seed003!.prefix), stop: () => seed003.stop() };
    },
  },
  // Seed 002: the group-owner platform (robots assigned to owners, their groups).
  {
    name: 'seed002',
    enabled: (c) => Boolean(c.compat.seed002?.enabled),
    start: (d) => {
      const s2 = d.config.compat.seed002!;
      const router = seed002Router({
        prefix: s2.prefix ?? '',
        tenant: s2.owner,
        keys: d.keys,
        // Signed with a key derived from the webhook master key: the same in every process, never stored.
        tokens: new OwnerTokens(d.outbox.derivedKey('seed002-tokens'), s2.tokenTtlHours * 3600, () =>
          d.runtime.clock.now(),
        ),
        groupOwners: d.groupOwners,
        runtime: d.runtime,
        stats: d.stats,
        welcome: d.welcome,
        keywords: d.keywords,
        mentions: d.mentions,
        launch: d.launch,
        broadcasts: d.broadcasts,
        connection: d.connection,
        miniPrograms: new Map(
          (s2.miniPrograms ?? []).map((m) => [m.apiKeyId ?? '*', { appid: m.appid, username: m.username }]),
        ),
        appStatus: new AppStatusService(d.connection),
        ...(d.screen ? { screen: d.screen } : {}),
        ...(d.authLimiter ? { authLimiter: d.authLimiter } : {}),
        timeZone: d.config.timeZone,
        log: d.log,
      });
      const notices = startMentionNotices({
        mentions: d.mentions,
        groupOwners: d.groupOwners,
        manager: d.runtime.manager,
        log: d.log.child({ module: 'seed002' }),
      });
      return { mount: seed002Mount([router], s2.prefix), stop: () => notices.stop() };
    },
  },
  // Seed 004: the operators' admin API.
  {
    name: 'seed004',
    enabled: (c) => Boolean(c.compat.seed004?.enabled),
    start: (d) => {
      const s4 = d.config.compat.seed004!;
      const prefix = s4.prefix ?? '/zhugeleida/admin';
      const now = () => d.runtime.clock.now();
      const router = seed004Router({
        people: d.people,
        scripts: d.scripts,
        ...(d.screen ? { screen: d.screen } : {}),
        // Each session's seed token is derived with this key: never stored, the same in every process.
        tokenKey: d.outbox.derivedKey('seed004-tokens'),
        replay: new SignatureReplay(d.connection, s4.timestampWindowSec, now),
        windowSec: s4.timestampWindowSec,
        prefix,
        timeZone: d.config.timeZone,
        bodyLimitKb: d.config.api.bodyLimitKb,
        ...(d.authLimiter ? { authLimiter: d.authLimiter } : {}),
        now,
        log: d.log,
      });
      return { mount: seed004Mount([router], prefix) };
    },
  },
];

/**
 * Starts the dialects the config enables. Each registers its webhook formats before this returns,
 * so the webhook worker may start after it; `stop` detaches their listeners (before the webhooks stop).
 * Their mounts go to the app with the native API's (see mount.ts: conflicts, error shapes).
 */
export function startDialects(deps: DialectDeps): {
  mounts: Mount[];
  nativeEndpoints(api: EndpointRouter): void;
  stop(): void;
} {
  const started = DIALECTS.filter((d) => d.enabled(deps.config)).map((d) => d.start(deps));
  return {
    mounts: started.map((s) => s.mount),
    nativeEndpoints: (api) => started.forEach((s) => s.nativeEndpoints?.(api)),
    stop: () => started.forEach((s) => s.stop?.()),
  };
}
