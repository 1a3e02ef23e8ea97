import type { EmbeddedMongo } from '../../src/db/embedded-mongo';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __qunbotMongo?: EmbeddedMongo }).__qunbotMongo;
  if (server) await server.stop();
}
