import { z } from 'zod';

/** The whole configuration, validated at start-up. Keys are documented in the README. */
export const configSchema = z
  .object({
    env: z.enum(['development', 'production', 'test']),
    http: z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }).strict(),
    /** Folder for everything qunbot keeps on disk (embedded MongoDB, puppet caches). */
    dataDir: z.string().min(1),
    mongodb: z
      .object({
        /** Secret: only from the MONGODB_URI environment variable. */
        uri: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI').optional(),
        /** Which embedded server to start when no URI is given. */
        embedded: z.enum(['auto', 'memory-server', 'secantus', 'none']),
        serverSelectionTimeoutMs: z.number().int().positive(),
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

type ValueKind = 'string' | 'number' | 'boolean';

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
  { env: 'DATA_DIR', path: 'dataDir', kind: 'string' },
  { env: 'MONGODB_URI', path: 'mongodb.uri', kind: 'string', secret: true },
  { env: 'MONGODB_EMBEDDED', path: 'mongodb.embedded', kind: 'string' },
  { env: 'MONGODB_TIMEOUT_MS', path: 'mongodb.serverSelectionTimeoutMs', kind: 'number' },
  { env: 'LOG_LEVEL', path: 'log.level', kind: 'string' },
  { env: 'LOG_PRETTY', path: 'log.pretty', kind: 'boolean' },
];
