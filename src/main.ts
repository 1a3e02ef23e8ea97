import { ConfigError, loadConfig } from '../config';
import path from 'node:path';
import { createApp } from './api/app';
import { installConsole } from './api/console';
import { packageRoot } from './lib/package-root';
import { nativeApi, V1_PREFIX } from './api/v1';
import { peopleOf } from './auth/people';
import { ScriptService } from './scripts/scripts.service';
import { startDialects } from './api/compat';
import { assertNoConflicts, installMounts, type Mount } from './api/compat/mount';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { ApiKeyService } from './auth/api-key.service';
import { startServer } from './api/server';
import { SensitiveWordService } from './sensitive/sensitive-words.service';
import { startRoomStats } from './stats';
import { startGroupOwners, type GroupOwners } from './owners';
import { LaunchService } from './launch';
import { startMetrics } from './metrics/metrics';
import { metricsRouter } from './api/metrics.routes';
import { createRuntime } from './bot/runtime';
import { modelsReady, openDatabase } from './db/connection';
import { createLogger, type Logger } from './logger';
import { createPuppetFactory } from './bot/puppets';
import { demoWorld } from './demo/mock-environment';
import { installPlugins, type PluginServices } from './plugins';
import { systemClock } from './bot/core/clock';
import { startWebhooks } from './webhooks';
import { createBroadcasts } from './broadcasts';
import { broadcastJobs } from './jobs/broadcast.job';
import { Scheduler } from './jobs/scheduler';

type Stop = () => Promise<void>;

export interface Started {
  stop: Stop;
  url: string;
  runtime: ReturnType<typeof createRuntime>;
  /** The plugins' own services (rules, settings, records), by plugin name. */
  plugins: PluginServices;
  /** Group owners (seed 002 users), their robots and groups. */
  groupOwners: GroupOwners;
}

/**
 * Composition root: config -> logger -> database -> robots -> API. Returns a function that stops
 * it all in reverse: robots first, then the API, then the database.
 */
export async function start(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Pick<Parameters<typeof createRuntime>[0], 'createPuppet'> & { log?: Logger } = {},
): Promise<Started> {
  const config = loadConfig(env);
  const log = overrides.log ?? createLogger(config.log);
  const stops: Stop[] = [];
  const stop: Stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const db = await openDatabase(config, log);
    stops.push(() => db.close());
    // Mock robots (PUPPET=mock) play the demo's simulated WeChat unless a caller brings its own puppets.
    const createPuppet = overrides.createPuppet ?? createPuppetFactory({ mockSetup: (m) => m.use(demoWorld()) });
    const plugins = installPlugins({ db: db.connection, clock: systemClock, timeZone: config.timeZone });
    const runtime = createRuntime({
      config,
      connection: db.connection,
      log,
      createPuppet,
      clock: systemClock,
      stages: plugins.stages(config.bot.plugins, { log, settings: config.bot.pluginSettings }),
    });
    const mentions = plugins.services['mention-capture'].mentions;
    const keys = new ApiKeyService(db.connection);
    const people = peopleOf(
      db.connection,
      { sessions: config.api.sessions, auditKeepDays: config.api.auditKeepDays },
      log,
    );
    // One limiter of failed authentications for the native API and every dialect, in the database.
    const authLimiter = new AuthFailureLimiter(db.connection, config.api.authFailures, log.child({ module: 'auth' }));
    // Stopped after the robots (stops run in reverse), so their last events are still queued.
    const webhooks = startWebhooks({ config, connection: db.connection, runtime, mentions, log });
    stops.push(() => webhooks.stop());
    // Counts rooms' traffic per day; written at the end, after the robots stopped.
    const stats = startRoomStats({ config, connection: db.connection, manager: runtime.manager, log });
    stops.push(() => stats.recorder.close());
    // Group owners (seed 002): their groups are learnt from invitations in the event stream.
    const groupOwners = startGroupOwners({
      connection: db.connection,
      runtime,
      log,
      acceptRequests: config.owners.acceptRequests,
    });
    stops.push(() => groupOwners.close());
    const broadcasts = createBroadcasts({
      config,
      connection: db.connection,
      sendLog: runtime.sendLog,
      manager: runtime.manager,
      clock: runtime.clock,
      log,
      publish: (e) => webhooks.outbox.publish(e),
    });
    stops.push(() => broadcasts.close());
    // Launch (seed 002 投放): switches and delivery tasks, delivered by broadcasts.
    const launch = new LaunchService(db.connection, {
      rooms: runtime.rooms,
      robots: runtime.robots,
      broadcasts,
      now: () => runtime.clock.now(),
    });
    const scripts = new ScriptService(db.connection);
    const sensitive = new SensitiveWordService(db.connection, { wordsFile: config.sensitive.wordsFile });
    // The seed dialects register their callback formats and listeners; they stop before the webhooks.
    const dialects = startDialects({
      config,
      connection: db.connection,
      runtime,
      keys,
      authLimiter,
      outbox: webhooks.outbox,
      broadcasts,
      signIn: plugins.services['sign-in'].signIn,
      checkCallbackUrl: webhooks.checkCallbackUrl,
      people,
      scripts,
      screen: sensitive.screen,
      groupOwners,
      stats,
      welcome: plugins.services.welcome.welcome,
      keywords: plugins.services['keyword-reply'].keywords,
      mentions,
      launch,
      log,
    });
    stops.push(async () => dialects.stop());
    const native = nativeApi({
      runtime,
      pluginEndpoints: plugins.endpoints,
      keys,
      authLimiter,
      maxPageSize: config.api.maxPageSize,
      eventsHeartbeatMs: config.api.eventsHeartbeatSec * 1000,
      checkCallbackUrl: webhooks.checkCallbackUrl,
      webhooks: webhooks.outbox,
      broadcasts,
      stats,
      sensitive,
      groupOwners,
      launch,
      dialectEndpoints: dialects.nativeEndpoints,
      people,
      scripts,
      mentions,
    });
    // Every dialect has registered its callback formats: queued callbacks may go out.
    webhooks.start();
    // Every model is registered by now: collections and indexes exist before the API key is
    // written, the API serves or a robot starts (the webhook worker only claims existing rows).
    await modelsReady(db.connection);
    const firstKey = await keys.bootstrap(config.api.adminKey);
    // Printed once, to the terminal only (never to the log): it is stored hashed.
    if (firstKey)
      process.stderr.write(`\nqunbot: first start, admin API key (shown once, keep it safe):\n  ${firstKey}\n\n`);
    const firstOperator = await people.auth.bootstrap(config.api.adminPassword);
    // The same for the first operator's generated password (to be changed at first sign-in).
    if (firstOperator?.password)
      process.stderr.write(
        `qunbot: first start, operator "${firstOperator.username}" with the password (shown once; change it at first sign-in):\n  ${firstOperator.password}\n\n`,
      );
    // Prometheus metrics at GET /metrics, for a scraper holding QUNBOT_METRICS_TOKEN (unset: not served).
    const metrics = startMetrics({
      manager: runtime.manager,
      robots: runtime.robots,
      authLimiter,
      webhookBacklog: () => webhooks.outbox.deliveries.countByStatus(),
      processLabel: runtime.fleet.member.label,
      fleet: runtime.fleet,
      onBroadcastFired: (listener) => broadcasts.runner.onFired(listener),
    });
    stops.push(async () => metrics.close());
    // Every API with its paths: two claiming the same method and path stop the start here.
    const mounts: Mount[] = [
      { name: 'native API', routers: [native.router], territory: V1_PREFIX },
      ...dialects.mounts,
      ...(config.metrics.token
        ? [{ name: 'metrics', routers: [metricsRouter(metrics.registry, config.metrics.token)] }]
        : []),
    ];
    assertNoConflicts(mounts);
    const app = createApp({
      log,
      db,
      routers: mounts.flatMap((m) => m.routers),
      bodyLimitKb: config.api.bodyLimitKb,
      trustedProxies: config.http.trustedProxies,
    });
    installMounts(app, mounts);
    // The operator console at `/` (built into dist/console by npm run build), behind every API.
    installConsole(app, { dir: path.join(packageRoot(__dirname), 'dist/console'), mounts });
    const server = await startServer(app, { ...config.http, log });
    stops.push(() => server.close());
    // Stopped before the server: open event streams would keep it waiting.
    stops.push(async () => native.close());
    stops.push(() => runtime.manager.shutdown());
    await runtime.manager.startAll();
    // After the robots are hosted, so a due run finds them; stopped first.
    const scheduler = new Scheduler(broadcastJobs(broadcasts.runner), log);
    scheduler.start();
    stops.push(() => scheduler.stop());
    log.info(
      { env: config.env, db: db.source, robots: runtime.manager.size, plugins: config.bot.plugins },
      'qunbot started',
    );
    return { stop, url: server.url, runtime, plugins: plugins.services, groupOwners };
  } catch (err) {
    await stop();
    throw err;
  }
}

function fail(err: unknown): never {
  const message = err instanceof ConfigError ? err.message : `qunbot failed to start: ${(err as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (require.main === module) {
  // Signals are caught from the first moment: one that comes while qunbot is still starting is
  // kept and acted on once it has started (Node's default would kill it half-way); a second one
  // while it still starts (a start stuck waiting for its database, say) ends it at once.
  let stopWith: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const onSignal = (signal: string) => {
    if (stopWith) return stopWith(signal);
    if (early) {
      process.stderr.write(`qunbot: ${signal} again while starting, exiting now\n`);
      process.exit(1);
    }
    early = signal;
    process.stderr.write(`qunbot: ${signal} received while starting; stopping once started (again to exit now)\n`);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  start().then(({ stop }) => {
    let stopping = false;
    stopWith = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`qunbot: ${signal} received, stopping\n`);
      stop().then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`qunbot: error while stopping: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    if (early) stopWith(early);
  }, fail);
}
