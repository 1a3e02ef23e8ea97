import { SensitiveWordService } from '../../src/sensitive/sensitive-words.service';
import { startRoomStats } from '../../src/stats';
import { startGroupOwners } from '../../src/owners';
import { LaunchService } from '../../src/launch';
import type Router from '@koa/router';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { nativeApi } from '../../src/api/v1';
import type { V1Deps } from '../../src/api/v1/deps';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { peopleOf } from '../../src/auth/people';
import { ScriptService } from '../../src/scripts/scripts.service';
import type { Runtime } from '../../src/bot/runtime';
import type { Database } from '../../src/db/connection';
import { systemClock } from '../../src/bot/core/clock';
import { WebhookOutbox } from '../../src/webhooks/outbox';
import { createBroadcasts } from '../../src/broadcasts';
import { silentLog } from './logger';
import { testPlugins, testRuntime, testRuntimeConfig } from './runtime';

type Agent = ReturnType<typeof request>;

/** Supertest with an API key on every request. */
export function withKey(server: Parameters<typeof request>[0], key: string) {
  const auth = (t: ReturnType<Agent['get']>) => t.set('Authorization', `Bearer ${key}`);
  return {
    get: (p: string) => auth(request(server).get(p)),
    post: (p: string) => auth(request(server).post(p)),
    put: (p: string) => auth(request(server).put(p)),
    patch: (p: string) => auth(request(server).patch(p)),
    delete: (p: string) => auth(request(server).delete(p)),
  };
}

/**
 * The native API over a test database: a runtime (robots are not started unless a test does),
 * an admin key, and owner keys on demand. `extraRouters` mounts more (seed dialects).
 */
export async function apiHarness(
  db: Database,
  opts: {
    runtime?: Runtime;
    maxPageSize?: number;
    deps?: Partial<V1Deps>;
    extraRouters?: (h: { runtime: Runtime; keys: ApiKeyService }) => Router[];
  } = {},
) {
  const runtime = opts.runtime ?? testRuntime(db);
  const plugins = testPlugins(db, runtime.clock);
  const keys = new ApiKeyService(db.connection);
  const adminKey = (await keys.create({ name: 'test admin' })).key;
  // A webhook outbox that stores deliveries but is not started (tests that deliver pass their own).
  const webhooks =
    opts.deps?.webhooks ??
    new WebhookOutbox({ config: testRuntimeConfig(), connection: db.connection, clock: systemClock, log: silentLog });
  // Broadcasts over the same runtime; nothing ticks them unless a test calls broadcasts.runner.tick().
  const broadcasts =
    opts.deps?.broadcasts ??
    createBroadcasts({
      config: testRuntimeConfig(),
      connection: db.connection,
      sendLog: runtime.sendLog,
      manager: runtime.manager,
      clock: runtime.clock,
      log: silentLog,
      publish: (e) => webhooks.publish(e),
    });
  // Rooms' daily statistics over the same runtime (written when read).
  const stats = startRoomStats({
    config: { timeZone: 'Asia/Shanghai', stats: { flushSec: 3600, retentionDays: 400 } },
    connection: db.connection,
    manager: runtime.manager,
    log: silentLog,
  });
  const sensitive = new SensitiveWordService(db.connection);
  const groupOwners = startGroupOwners({ connection: db.connection, runtime, log: silentLog });
  const native = nativeApi({
    runtime,
    stats,
    sensitive,
    groupOwners,
    launch: new LaunchService(db.connection, {
      rooms: runtime.rooms,
      robots: runtime.robots,
      broadcasts,
      now: () => runtime.clock.now(),
    }),
    keys,
    // Operators, roles, sessions and the audit log, as src/main.ts builds them.
    scripts: new ScriptService(db.connection),
    mentions: plugins.services['mention-capture'].mentions,
    people: peopleOf(db.connection, { sessions: { ttlHours: 24, idleMinutes: 120 }, auditKeepDays: 90 }, silentLog),
    maxPageSize: opts.maxPageSize ?? 100,
    pluginEndpoints: plugins.endpoints,
    checkCallbackUrl: async () => undefined,
    ...opts.deps,
    webhooks,
    broadcasts,
  });
  const app = createApp({
    log: silentLog,
    db,
    routers: [native.router, ...(opts.extraRouters?.({ runtime, keys }) ?? [])],
  });
  const server = app.callback();
  return {
    runtime,
    sensitive,
    /** The plugins' services behind the API (by plugin name). */
    plugins: plugins.services,
    keys,
    broadcasts,
    native,
    server,
    adminKey,
    admin: withKey(server, adminKey),
    anonymous: () => request(server),
    /** A client with a fresh key limited to `owner`. */
    owner: async (owner: string) => withKey(server, (await keys.create({ name: `key of ${owner}`, owner })).key),
  };
}

/**
 * A seed dialect alone over a test database, wired as src/main.ts wires it: `routers` builds its
 * routers from the key service; `prepare` may adjust the app before it is composed (e.g. a
 * dialect's outermost error envelope). `log` receives the app's lines.
 */
export async function compatHarness(
  db: Database,
  opts: {
    routers: (keys: ApiKeyService) => Router[];
    /** Called with the app and the routers it mounted, before it serves (e.g. installMounts). */
    prepare?: (app: ReturnType<typeof createApp>, routers: Router[]) => void;
    log?: Parameters<typeof createApp>[0]['log'];
    trustedProxies?: readonly string[];
  },
) {
  const keys = new ApiKeyService(db.connection);
  const routers = opts.routers(keys);
  const app = createApp({
    log: opts.log ?? silentLog,
    db,
    routers,
    ...(opts.trustedProxies ? { trustedProxies: opts.trustedProxies } : {}),
  });
  opts.prepare?.(app, routers);
  const server = app.callback();
  return {
    keys,
    server,
    adminToken: (await keys.create({ name: 'compat admin' })).key,
    /** A fresh key limited to `owner`. */
    ownerToken: async (owner: string) => (await keys.create({ name: `compat ${owner}`, owner })).key,
    client: () => request(server),
  };
}
