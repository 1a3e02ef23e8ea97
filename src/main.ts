import { ConfigError, loadConfig } from '../config';
import { createApp } from './api/app';
import { startServer } from './api/server';
import { openDatabase } from './db';
import { createLogger } from './logger';

type Stop = () => Promise<void>;

/** Composition root: config -> logger -> database -> API. Returns a function that stops it all. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<{ stop: Stop; url: string }> {
  const config = loadConfig(env);
  const log = createLogger(config.log);
  const stops: Stop[] = [];
  const stop: Stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const db = await openDatabase(config, log);
    stops.push(() => db.close());
    const app = createApp({ log, db });
    const server = await startServer(app, { ...config.http, log });
    stops.push(() => server.close());
    log.info({ env: config.env, db: db.source }, 'qunbot started');
    return { stop, url: server.url };
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
  start().then(({ stop }) => {
    let stopping = false;
    const shutdown = (signal: string) => {
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
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  }, fail);
}
