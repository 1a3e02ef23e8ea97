import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { startEmbeddedMongo, type EmbeddedMongo } from './embedded-mongo';

/** The database handle passed to services and the API. */
export interface Database {
  connection: Connection;
  /** Where it came from: `uri`, `memory-server` or `secantus`. */
  source: string;
  /** True when the server answers a ping within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  uri: string;
  serverSelectionTimeoutMs: number;
  log: Logger;
  /** Overrides the database named in the URI (tests give each file its own). */
  dbName?: string;
  /** Attempts before giving up at start-up. */
  attempts?: number;
  /** The driver emits command events (benchmarks time the database work by operation). */
  monitorCommands?: boolean;
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** A URI that names no database would use the driver's `test`; qunbot's is `qunbot`. */
function defaultDbName(uri: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]+\/?([^?]*)/.exec(uri)?.[1];
  return name ? undefined : 'qunbot';
}

/** Connects with retries; afterwards the driver reconnects by itself and we log the changes. */
export async function connectDatabase(
  opts: ConnectOptions,
  source = 'uri',
  onClose?: () => Promise<void>,
): Promise<Database> {
  const log = opts.log.child({ module: 'db' });
  const attempts = opts.attempts ?? 5;
  let connection: Connection | undefined;
  for (let attempt = 1; ; attempt++) {
    const dbName = opts.dbName ?? defaultDbName(opts.uri);
    const conn = mongoose.createConnection(opts.uri, {
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs,
      ...(dbName ? { dbName } : {}),
      ...(opts.monitorCommands ? { monitorCommands: true } : {}),
    });
    try {
      connection = await conn.asPromise();
      break;
    } catch (err) {
      await conn.close().catch(() => undefined);
      if (attempt >= attempts) {
        throw new Error(
          `Cannot reach MongoDB at ${redactUri(opts.uri)} after ${attempts} attempts: ${(err as Error).message}`,
        );
      }
      const delay = Math.min(500 * 2 ** attempt, 10_000);
      log.warn({ attempt, delayMs: delay, err }, 'MongoDB not reachable yet; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  log.info({ source, uri: redactUri(opts.uri), db: connection.name }, 'connected to MongoDB');
  connection.on('disconnected', () => log.warn('MongoDB connection lost; the driver keeps retrying'));
  connection.on('reconnected', () => log.info('MongoDB connection restored'));
  connection.on('error', (err) => log.error({ err }, 'MongoDB connection error'));

  const conn = connection;
  return {
    connection: conn,
    source,
    async ping(timeoutMs = 1000) {
      const db = conn.db;
      if (!db || conn.readyState !== mongoose.ConnectionStates.connected) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ping = db
        .admin()
        .command({ ping: 1 }, { timeoutMS: timeoutMs })
        .then(
          () => true,
          () => false,
        );
      try {
        return await Promise.race([ping, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      conn.removeAllListeners('disconnected');
      await conn.close();
      await onClose?.();
    },
  };
}

/**
 * MONGODB_URI when set; otherwise an embedded server with its data under `<dataDir>/`.
 * Throws with a message that says how to set MONGODB_URI when nothing can be started.
 */
export async function openDatabase(config: Readonly<Config>, log: Logger): Promise<Database> {
  const { uri, embedded, serverSelectionTimeoutMs } = config.mongodb;
  if (uri) return connectDatabase({ uri, serverSelectionTimeoutMs, log });
  if (embedded === 'none') {
    throw new Error('MONGODB_URI is not set and MONGODB_EMBEDDED=none: set MONGODB_URI=mongodb://host:27017/qunbot');
  }
  let server: EmbeddedMongo;
  try {
    server = await startEmbeddedMongo({
      mode: embedded,
      dataDir: `${config.dataDir}/mongo`,
      log: log.child({ module: 'embedded-mongo' }),
    });
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nSet MONGODB_URI to a MongoDB server (for example mongodb://127.0.0.1:27017/qunbot) and start again.`,
    );
  }
  log.info({ kind: server.kind, dataDir: `${config.dataDir}/mongo` }, 'using embedded MongoDB');
  try {
    return await connectDatabase(
      { uri: `${server.uri}qunbot`, serverSelectionTimeoutMs, log },
      server.kind,
      server.stop,
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * Resolves once every model registered on the connection has its collection and indexes
 * (mongoose creates them in the background as each model is compiled). Called at start-up
 * before the API serves or a robot starts, so a unique index is in place before the first write
 * that relies on it.
 */
export async function modelsReady(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
}
