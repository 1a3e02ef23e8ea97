import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * A JSON array given in one environment variable. Such variables hold keys (secrets), so the
 * messages never quote the text (JSON.parse's own message would).
 */
function jsonFromEnv<T extends z.ZodType>(example: string, schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON array such as ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * Seed 002 mini-programs `[{"appid":"wx...","username":"gh_...@app","apiKeyId":"..."}]` (from
 * SEED002_MINIPROGRAMS): the mini-program a delivery task's type-4 items open, per delivery
 * credential (the API key's id; without apiKeyId: every other key). The seed's items carry no appid.
 */
const seed002MiniPrograms = jsonFromEnv(
  '[{"appid":"wx1234567890abcdef","username":"gh_abcdef123456@app"}]',
  z
    .array(
      z
        .object({
          appid: z.string().regex(/^wx[0-9a-zA-Z]{6,32}$/, 'a mini-program appid such as wx1234567890abcdef'),
          username: z.string().min(1).max(100),
          apiKeyId: z.string().min(1).max(64).optional(),
        })
        .strict(),
    )
    .max(100)
    .refine((list) => new Set(list.map((m) => m.apiKeyId ?? '*')).size === list.length, 'one entry per apiKeyId'),
);

/** An IP address or CIDR range (`10.0.0.0/8`, `127.0.0.1`, `::1`). */
const addressOrRange = z.string().refine((entry) => {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
}, 'must be an IP address or a CIDR range such as 10.0.0.0/8');

/**
 * Seed 000 platforms `[{"id":"frxs","key":"..."}]`, only from SEED000_PLATFORMS (the keys are
 * secrets). `allowFrom` (addresses or CIDR ranges) lets callers from there in without a key, as
 * the seed's unmodified clients send none; a platform needs a key, an allow-list, or both.
 */
const seed000Platforms = jsonFromEnv(
  '[{"id":"frxs","key":"<at least 24 characters>"}]',
  z
    .array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9_]{1,16}$/, 'platform id: lower-case letters, digits and _ (1-16)'),
          key: z
            .string()
            .min(24, 'platform key: at least 24 characters')
            .max(200, 'platform key: at most 200 characters')
            .optional(),
          allowFrom: z.array(addressOrRange).min(1).max(100).optional(),
        })
        .strict()
        .refine((p) => p.key !== undefined || p.allowFrom !== undefined, 'a platform needs a key or allowFrom'),
    )
    .min(1, 'name at least one platform')
    .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'platform ids must be unique')
    .refine((list) => {
      const keys = list.flatMap((p) => (p.key === undefined ? [] : [p.key]));
      return new Set(keys).size === keys.length;
    }, 'each platform needs its own key'),
);

/** One seed 003 channel (chid); see compat.seed003.channels. */
const seed003Channel = z
  .object({
    chid: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits and . _ - (1-64)'),
    /** The channel's signing key (MD5 over body + key): long and random, e.g. `openssl rand -hex 16`. */
    key: z.string().min(16, 'must be at least 16 characters').max(256),
    /** Where QR code and login notifications are POSTed (SSRF guard applies). */
    notifyUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Owner of the robots this channel drives (native API scoping); default `seed003:<chid>`. */
    owner: z
      .string()
      .regex(/^[\w.@:-]{1,64}$/, 'letters, digits and . _ @ : - (1-64)')
      .optional(),
  })
  .strict()
  .transform((c) => ({ ...c, owner: c.owner ?? `seed003:${c.chid}` }));

/** SEED003_CHANNELS: a JSON array of channels (a secret: it holds the keys). */
const seed003Channels = jsonFromEnv(
  '[{"chid":"...","key":"...","notifyUrl":"https://..."}]',
  z
    .array(seed003Channel)
    .max(1000)
    .refine((list) => new Set(list.map((c) => c.chid)).size === list.length, 'each chid may appear once'),
);

/**
 * Where a seed dialect is mounted: '' (the default) serves the seed's own paths; `/s1` serves
 * `/s1/robots...`. Two enabled dialects may not claim the same method and path (checked at start).
 */
const mountPrefix = z
  .string()
  .regex(/^(\/[A-Za-z0-9._~-]+)*$/, "'' or path segments such as /compat/s1 (no trailing slash)")
  .refine((p) => !/^\/(api\/v1|healthz|readyz)(\/|$)/.test(p), 'must not be under the native API or health paths')
  .optional();

const seed000Config = z
  .object({
    enabled: z.boolean(),
    /** Mount prefix before /robot/... (SEED000_PREFIX). */
    prefix: mountPrefix,
    /** Secret: only from SEED000_PLATFORMS. */
    platforms: seed000Platforms.optional(),
    /** How long getqrcode waits for a starting robot to show its QR code. */
    qrWaitSec: z.number().int().positive().max(120),
  })
  .strict()
  // Enabled without platforms would refuse every request: stop at start-up instead.
  .refine((c) => !c.enabled || (c.platforms?.length ?? 0) > 0, {
    message: 'seed 000 is enabled: set SEED000_PLATFORMS',
    path: ['platforms'],
  });

/** The whole configuration, validated at start-up. Keys are documented in the README. */
export const configSchema = z
  .object({
    env: z.enum(['development', 'production', 'test']),
    http: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(0).max(65535),
        /**
         * The address clients reach qunbot at (behind a reverse proxy: the proxy's), e.g.
         * https://bot.example.com; links qunbot hands out (seed 001 qrcode_url) start with it.
         * Unset: the address the request came to.
         */
        publicOrigin: z
          .url({ protocol: /^https?$/ })
          .transform((u) => u.replace(/\/+$/, ''))
          .optional(),
        /**
         * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client;
         * empty: the socket address is the client (rate limits, seed 000 address allow-lists).
         */
        trustedProxies: z.array(addressOrRange),
      })
      .strict(),
    /** Time zone of calendar days (sign-in) and of schedules without their own. */
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai'),
    /** Folder for everything qunbot keeps on disk (embedded MongoDB, puppet caches). */
    dataDir: z.string().min(1),
    mongodb: z
      .object({
        /** Secret: only from the MONGODB_URI environment variable. */
        uri: z
          .string()
          .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
          .optional(),
        /** Which embedded server to start when no URI is given. */
        embedded: z.enum(['auto', 'memory-server', 'secantus', 'none']),
        serverSelectionTimeoutMs: z.number().int().positive(),
      })
      .strict(),
    bot: z
      .object({
        /** Puppet for robots created without puppet settings (the seed APIs carry none). */
        defaultPuppet: z
          .object({
            kind: z.enum(['service', 'wechat4u', 'mock']),
            /** Secret: only from PUPPET_SERVICE_TOKEN. */
            token: z.string().min(1).optional(),
            endpoint: z
              .string()
              .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
              .optional(),
            tlsDisable: z.boolean(),
          })
          .strict(),
        /** Plugins in the order they see each event (names from src/plugins/index.ts). */
        plugins: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)),
        /** Per-plugin settings by plugin name (each plugin validates its own). */
        pluginSettings: z.record(z.string(), z.unknown()),
        /** Messages older than this (e.g. replayed after a restart) are dropped. */
        maxMessageAgeSec: z.number().int().positive(),
        dedupe: z.object({ size: z.number().int().positive(), ttlSec: z.number().int().positive() }).strict(),
        /** A robot that neither shows a QR code nor logs in within this time is taken offline. */
        startTimeoutSec: z.number().int().positive(),
        /** How long a login QR code is shown as valid. */
        qrTtlSec: z.number().int().positive(),
        backoff: z
          .object({
            initialMs: z.number().int().positive(),
            maxMs: z.number().int().positive(),
            jitter: z.number().min(0).max(1),
          })
          .strict(),
        /** This many puppet errors within windowMs take a logged-in robot offline (then it retries). */
        errorBurst: z.object({ count: z.number().int().positive(), windowMs: z.number().int().positive() }).strict(),
        /** Log level of Wechaty's own logger (it writes to stderr, not through pino). */
        wechatyLogLevel: z.enum(['silent', 'error', 'warn', 'info', 'verbose', 'silly']),
      })
      .strict(),
    outbox: z
      .object({
        ratePerSec: z.number().positive(),
        burst: z.number().int().positive(),
        roomGapMs: z.number().int().min(0),
        jitterMs: z.number().int().min(0),
        maxQueue: z.number().int().positive(),
      })
      .strict(),
    /** Seed-format callbacks (seed 001 login GET, developer POST): per-attempt timeout. They are queued in the webhook outbox and retried like webhooks. */
    callbacks: z.object({ timeoutMs: z.number().int().positive() }).strict(),
    api: z
      .object({
        /** Secret: only from QUNBOT_ADMIN_KEY. When set, this key is the admin key (stored hashed). */
        adminKey: z.string().min(24, 'must be at least 24 characters').optional(),
        /**
         * Secret: only from QUNBOT_ADMIN_PASSWORD. The first start's `admin` operator gets it (it
         * must pass the password rule); unset: a generated one, printed once, changed at first sign-in.
         */
        adminPassword: z.string().max(128).optional(),
        /** How long the audit log keeps an entry (QUNBOT_AUDIT_KEEP_DAYS). */
        auditKeepDays: z.number().positive().max(3650),
        /** How often an open event stream (GET /api/v1/events) sends a keep-alive and checks its session. */
        eventsHeartbeatSec: z.number().positive().max(300),
        /** Operator sessions: absolute lifetime and idle timeout. */
        sessions: z
          .object({
            ttlHours: z
              .number()
              .positive()
              .max(24 * 90),
            idleMinutes: z
              .number()
              .positive()
              .max(24 * 60 * 30),
          })
          .strict(),
        /** Largest JSON body accepted, in kilobytes. */
        bodyLimitKb: z.number().int().positive(),
        /** Largest page a list endpoint returns. */
        maxPageSize: z.number().int().positive(),
        /**
         * Failed authentications (wrong API keys, platform keys, tokens, seed 003 channel ids or
         * signatures) allowed per client address and per credential prefix within `windowSec`;
         * over either, the client is refused with 429 for `blockSec`. Counted in MongoDB, so every
         * process on the database shares the counts.
         */
        authFailures: z
          .object({
            perAddress: z.number().int().positive(),
            perCredential: z.number().int().positive(),
            windowSec: z.number().int().positive(),
            blockSec: z.number().int().positive(),
          })
          .strict(),
      })
      .strict(),
    webhooks: z
      .object({
        /** Host names, IP addresses or CIDR ranges that callbacks may reach although private or loopback. */
        allowHosts: z.array(z.string().min(1)),
        /** Per-attempt limit of a native webhook (connect, headers, body and overall). */
        timeoutMs: z.number().int().positive(),
        /** At most this much of an answer is read; the rest is dropped. */
        maxResponseBytes: z.number().int().positive(),
        /** A delivery still failing after this long is marked dead. */
        maxAgeHours: z.number().positive(),
        backoff: z
          .object({
            initialMs: z.number().int().positive(),
            maxMs: z.number().int().positive(),
            jitter: z.number().min(0).max(1),
          })
          .strict(),
        /** How often the worker looks for due deliveries (a publish in this process wakes it at once). */
        pollMs: z.number().int().positive(),
        /** Requests in flight per process. */
        concurrency: z.number().int().positive(),
        /** Secret: only from QUNBOT_WEBHOOK_KEY; signs native webhooks. Else generated into dataDir. */
        signingKey: z.string().min(32, 'must be at least 32 characters').optional(),
      })
      .strict(),
    broadcasts: z
      .object({
        /** A run found late (qunbot was down) still goes out within this many minutes of its time; later ones are recorded as missed. */
        graceMinutes: z.number().min(0),
        /** A process works on a claimed run for this long before another may take it over. */
        leaseSec: z.number().int().positive(),
        /** Sent messages younger than this are recalled in WeChat on recall (WeChat allows 2 minutes). */
        recallWindowSec: z.number().int().min(0),
        /** Most rooms one run may target. */
        maxTargets: z.number().int().positive(),
        /** Most active tasks per owner. */
        maxActivePerOwner: z.number().int().positive(),
      })
      .strict(),
    /** Sensitive words checked on written texts (on top of the lists kept in the database). */
    sensitive: z
      .object({
        /** A UTF-8 file of global words, one a line (`#` comments); read at start. */
        wordsFile: z.string().min(1).optional(),
      })
      .strict(),
    /** Rooms' daily counters (messages, senders, joins, exits) from the event stream. */
    stats: z
      .object({
        /** Counts are written in one batch this often (and at shutdown); a crash loses at most this much. */
        flushSec: z.number().positive().max(3600),
        /** Days a room's daily counters are kept. */
        retentionDays: z.number().int().positive().max(3650),
      })
      .strict(),
    metrics: z
      .object({
        /** Secret: only from QUNBOT_METRICS_TOKEN. Unset: GET /metrics is not served. */
        token: z.string().min(24, 'must be at least 24 characters').optional(),
      })
      .strict()
      .default({}),
    /** Several qunbot processes on one database: robot leases and calls between processes. */
    fleet: z
      .object({
        /** This process's label (QUNBOT_PROCESS_LABEL): robots are pinned to it, metrics carry it; default host name and pid. */
        processLabel: z
          .string()
          .regex(/^[\w.:-]{1,64}$/)
          .optional(),
        /** This machine's id (QUNBOT_HOST_ID, default the host name): must differ between machines and containers. */
        hostId: z
          .string()
          .regex(/^[\w.-]{1,64}$/)
          .optional(),
        /** A robot's lease lasts this long unless renewed (every third of it); a dead process's robots move after it. */
        leaseSec: z.number().min(3).max(600),
        /** Most robots a process takes in one round (every third of a lease). */
        takePerRound: z.number().int().positive(),
        /** Most robots one process runs. */
        maxRobots: z.number().int().positive(),
        /** How long a call about a robot in another process waits for that process. */
        callTimeoutSec: z.number().positive().max(300),
      })
      .strict(),
    owners: z
      .object({
        /** Robots accept friend requests and room invitations from the group owners assigned to them (seed 002). */
        acceptRequests: z.boolean(),
      })
      .strict(),
    compat: z
      .object({
        /** Seed 001 robots API at /robots...: off unless enabled (its token travels in URLs). */
        seed001: z
          .object({
            enabled: z.boolean(),
            /** Mount prefix before /robots... (SEED001_PREFIX). */
            prefix: mountPrefix,
            /** The default developer callback URL (group messages in bound rooms of owners without their own). */
            callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
            /**
             * Secret: only from SEED001_QR_LINK_SECRET (32+ characters). Signs qrcode_url links; unset:
             * derived from the webhook master key, so links outlive a restart either way.
             */
            qrLinkSecret: z.string().min(32, 'must be at least 32 characters').optional(),
            /** Images one robot may send a minute through seed 001 /message (over: retCode 1205); default 10. */
            imagesPerMinute: z.number().int().positive().max(1000).optional(),
            /** Secret: only from SEED001_CALLBACK_TOKEN; sent as `token` in developer callbacks. */
            callbackToken: z.string().min(1).optional(),
          })
          .strict(),
        /**
         * Seed 000 platform robot API at /robot/...: off unless enabled (see seed000Config).
         * default.json always sets it; optional only so that configs built in code without it
         * (tests) still type-check.
         */
        seed000: seed000Config.optional(),
        /** Seed 004 admin console API (operator subset) under its prefix: off unless enabled (MD5 request signing). */
        seed004: z
          .object({
            enabled: z.boolean(),
            /** Mount prefix (SEED004_PREFIX); default the seed's /zhugeleida/admin. */
            prefix: mountPrefix,
            /** A signed request whose timestamp is further than this from now is refused. */
            timestampWindowSec: z.number().int().positive().max(86_400),
          })
          .strict()
          .optional(),
        /** Seed 002 group-owner platform API at its paths: off unless enabled. */
        seed002: z
          .object({
            enabled: z.boolean(),
            /** Mount prefix before the seed's paths (SEED002_PREFIX); default none: /robot/show, /groups, ... */
            prefix: mountPrefix,
            /** The qunbot owner whose robots serve the platform's group owners, and whose API keys the platform's servers use. */
            owner: z.string().regex(/^[\w.@:-]{1,64}$/),
            /** How long an access_token from POST /auth is valid. */
            tokenTtlHours: z
              .number()
              .int()
              .positive()
              .max(24 * 90),
            /** Mini-programs that delivery tasks' type-4 items open, per delivery credential (SEED002_MINIPROGRAMS). */
            miniPrograms: seed002MiniPrograms.optional(),
          })
          .strict()
          .optional(),
        /** Seed 003 WXRC signed API at /api/<name>: off unless enabled (its MD5 signing is weak). */
        seed003: z
          .object({
            enabled: z.boolean(),
            /** Mount prefix before /api/<name> (SEED003_PREFIX). */
            prefix: mountPrefix,
            /** A request whose txtime is further than this from now is refused (replay window). */
            txtimeWindowSec: z.number().int().positive().max(86_400),
            /** How long a send interface waits for its send to go out (sendStatus "1") before answering "0"; default 3000. */
            sendWaitMs: z.number().int().min(0).max(30_000).optional(),
            /** Secret: only from SEED003_CHANNELS (JSON array of {chid, key, notifyUrl?, owner?}). */
            channels: seed003Channels.default([]),
          })
          .strict()
          .refine((s) => !s.enabled || s.channels.length > 0, {
            message: 'SEED003_CHANNELS must name at least one channel when seed 003 is enabled',
            path: ['channels'],
          }),
      })
      .strict(),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
        pretty: z.boolean(),
      })
      .strict(),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** How an environment value is read: as it is, a number, a boolean, or a comma-separated list. */
type ValueKind = 'string' | 'number' | 'boolean' | 'list';

/** One environment variable and the config key it sets. */
export interface EnvBinding {
  env: string;
  path: string;
  kind: ValueKind;
  /** Secrets come only from the environment and are never echoed in errors or logs. */
  secret?: boolean;
}

export const envBindings: readonly EnvBinding[] = [
  { env: 'NODE_ENV', path: 'env', kind: 'string' },
  { env: 'HOST', path: 'http.host', kind: 'string' },
  { env: 'PORT', path: 'http.port', kind: 'number' },
  { env: 'QUNBOT_PUBLIC_ORIGIN', path: 'http.publicOrigin', kind: 'string' },
  { env: 'QUNBOT_TRUSTED_PROXIES', path: 'http.trustedProxies', kind: 'list' },
  { env: 'QUNBOT_AUTH_FAILURES_PER_ADDRESS', path: 'api.authFailures.perAddress', kind: 'number' },
  { env: 'QUNBOT_AUTH_FAILURES_PER_CREDENTIAL', path: 'api.authFailures.perCredential', kind: 'number' },
  { env: 'QUNBOT_AUTH_BLOCK_SEC', path: 'api.authFailures.blockSec', kind: 'number' },
  { env: 'DATA_DIR', path: 'dataDir', kind: 'string' },
  { env: 'QUNBOT_TIME_ZONE', path: 'timeZone', kind: 'string' },
  { env: 'MONGODB_URI', path: 'mongodb.uri', kind: 'string', secret: true },
  { env: 'MONGODB_EMBEDDED', path: 'mongodb.embedded', kind: 'string' },
  { env: 'MONGODB_TIMEOUT_MS', path: 'mongodb.serverSelectionTimeoutMs', kind: 'number' },
  { env: 'PUPPET', path: 'bot.defaultPuppet.kind', kind: 'string' },
  { env: 'PUPPET_SERVICE_TOKEN', path: 'bot.defaultPuppet.token', kind: 'string', secret: true },
  { env: 'PUPPET_SERVICE_ENDPOINT', path: 'bot.defaultPuppet.endpoint', kind: 'string' },
  { env: 'PUPPET_SERVICE_TLS_DISABLE', path: 'bot.defaultPuppet.tlsDisable', kind: 'boolean' },
  { env: 'WECHATY_LOG', path: 'bot.wechatyLogLevel', kind: 'string' },
  { env: 'QUNBOT_START_TIMEOUT_SEC', path: 'bot.startTimeoutSec', kind: 'number' },
  { env: 'OUTBOX_RATE_PER_SEC', path: 'outbox.ratePerSec', kind: 'number' },
  { env: 'OUTBOX_ROOM_GAP_MS', path: 'outbox.roomGapMs', kind: 'number' },
  { env: 'OUTBOX_JITTER_MS', path: 'outbox.jitterMs', kind: 'number' },
  { env: 'QUNBOT_ADMIN_KEY', path: 'api.adminKey', kind: 'string', secret: true },
  { env: 'QUNBOT_ADMIN_PASSWORD', path: 'api.adminPassword', kind: 'string', secret: true },
  { env: 'QUNBOT_SESSION_TTL_HOURS', path: 'api.sessions.ttlHours', kind: 'number' },
  { env: 'QUNBOT_AUDIT_KEEP_DAYS', path: 'api.auditKeepDays', kind: 'number' },
  { env: 'QUNBOT_EVENTS_HEARTBEAT_SEC', path: 'api.eventsHeartbeatSec', kind: 'number' },
  { env: 'QUNBOT_SESSION_IDLE_MINUTES', path: 'api.sessions.idleMinutes', kind: 'number' },
  { env: 'QUNBOT_WEBHOOK_KEY', path: 'webhooks.signingKey', kind: 'string', secret: true },
  { env: 'QUNBOT_WEBHOOK_ALLOW_HOSTS', path: 'webhooks.allowHosts', kind: 'list' },
  { env: 'BROADCAST_GRACE_MINUTES', path: 'broadcasts.graceMinutes', kind: 'number' },
  { env: 'QUNBOT_STATS_FLUSH_SEC', path: 'stats.flushSec', kind: 'number' },
  { env: 'QUNBOT_ACCEPT_OWNER_REQUESTS', path: 'owners.acceptRequests', kind: 'boolean' },
  { env: 'QUNBOT_METRICS_TOKEN', path: 'metrics.token', kind: 'string', secret: true },
  { env: 'QUNBOT_PROCESS_LABEL', path: 'fleet.processLabel', kind: 'string' },
  { env: 'QUNBOT_HOST_ID', path: 'fleet.hostId', kind: 'string' },
  { env: 'QUNBOT_LEASE_SEC', path: 'fleet.leaseSec', kind: 'number' },
  { env: 'QUNBOT_TAKE_PER_ROUND', path: 'fleet.takePerRound', kind: 'number' },
  { env: 'QUNBOT_MAX_ROBOTS', path: 'fleet.maxRobots', kind: 'number' },
  { env: 'QUNBOT_CALL_TIMEOUT_SEC', path: 'fleet.callTimeoutSec', kind: 'number' },
  { env: 'QUNBOT_SENSITIVE_WORDS_FILE', path: 'sensitive.wordsFile', kind: 'string' },
  { env: 'QUNBOT_STATS_RETENTION_DAYS', path: 'stats.retentionDays', kind: 'number' },
  { env: 'SEED001_ENABLED', path: 'compat.seed001.enabled', kind: 'boolean' },
  { env: 'SEED001_PREFIX', path: 'compat.seed001.prefix', kind: 'string' },
  { env: 'SEED001_CALLBACK_URL', path: 'compat.seed001.callbackUrl', kind: 'string' },
  { env: 'SEED001_CALLBACK_TOKEN', path: 'compat.seed001.callbackToken', kind: 'string', secret: true },
  { env: 'SEED001_QR_LINK_SECRET', path: 'compat.seed001.qrLinkSecret', kind: 'string', secret: true },
  { env: 'SEED001_IMAGES_PER_MINUTE', path: 'compat.seed001.imagesPerMinute', kind: 'number' },
  { env: 'SEED000_ENABLED', path: 'compat.seed000.enabled', kind: 'boolean' },
  { env: 'SEED000_PREFIX', path: 'compat.seed000.prefix', kind: 'string' },
  { env: 'SEED000_PLATFORMS', path: 'compat.seed000.platforms', kind: 'string', secret: true },
  { env: 'SEED003_ENABLED', path: 'compat.seed003.enabled', kind: 'boolean' },
  { env: 'SEED002_ENABLED', path: 'compat.seed002.enabled', kind: 'boolean' },
  { env: 'SEED002_PREFIX', path: 'compat.seed002.prefix', kind: 'string' },
  { env: 'SEED002_OWNER', path: 'compat.seed002.owner', kind: 'string' },
  { env: 'SEED002_TOKEN_TTL_HOURS', path: 'compat.seed002.tokenTtlHours', kind: 'number' },
  { env: 'SEED002_MINIPROGRAMS', path: 'compat.seed002.miniPrograms', kind: 'string' },
  { env: 'SEED004_ENABLED', path: 'compat.seed004.enabled', kind: 'boolean' },
  { env: 'SEED004_PREFIX', path: 'compat.seed004.prefix', kind: 'string' },
  { env: 'SEED004_TIMESTAMP_WINDOW_SEC', path: 'compat.seed004.timestampWindowSec', kind: 'number' },
  { env: 'SEED003_PREFIX', path: 'compat.seed003.prefix', kind: 'string' },
  { env: 'SEED003_TXTIME_WINDOW_SEC', path: 'compat.seed003.txtimeWindowSec', kind: 'number' },
  { env: 'SEED003_SEND_WAIT_MS', path: 'compat.seed003.sendWaitMs', kind: 'number' },
  { env: 'SEED003_CHANNELS', path: 'compat.seed003.channels', kind: 'string', secret: true },
  { env: 'LOG_LEVEL', path: 'log.level', kind: 'string' },
  { env: 'LOG_PRETTY', path: 'log.pretty', kind: 'boolean' },
];
