import pino from 'pino';
import { startEmbeddedMongo } from '../../src/db/embedded-mongo';

/**
 * Uses MONGODB_URI when set (CI starts scripts/mongo-test-server.sh); otherwise starts an
 * in-memory server: mongodb-memory-server, else SecantusDB. Workers inherit the URI.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const mode = (process.env.MONGODB_EMBEDDED as 'auto' | 'memory-server' | 'secantus' | undefined) ?? 'auto';
  const server = await startEmbeddedMongo({ mode, log: pino({ level: 'warn' }) });
  process.env.MONGODB_URI = server.uri;
  (globalThis as { __qunbotMongo?: typeof server }).__qunbotMongo = server;
}
