/**
 * Heap per idle logged-in robot over puppet-service: bare Wechaty clients versus qunbot robots,
 * each against its own PuppetServer (PuppetMock, ten rooms of 20 people) in this process.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { PuppetServer } from 'wechaty-puppet-service';
import { loadConfig } from '../../config';
import { createRuntime } from '../../src/bot/runtime';
import { connectDatabase } from '../../src/db/connection';
import { freePort } from '../../src/lib/free-port';
import { bareServiceClient, settledHeap } from '../support';

/** Heap per idle logged-in client over puppet-service, bare Wechaty versus a qunbot robot. */
export async function heapPerRobot(uri: string, robots: number): Promise<{ bare: number; qunbot: number }> {
  // One after another: each takes a free port and binds it before the next asks for one.
  const servers: { server: PuppetServer; token: string; endpoint: string }[] = [];
  for (let i = 0; i < robots; i++) {
    const mocker = new mock.Mocker();
    const user = mocker.createContact({ name: `u${i}` });
    for (let r = 0; r < 10; r++)
      mocker.createRoom({ topic: `r${r}`, memberIdList: [user.id, ...mocker.createContacts(20).map((c) => c.id)] });
    mocker.use((m) => {
      setImmediate(() => m.login(user));
      return () => undefined;
    });
    const token = `insecure_${randomUUID()}`;
    const endpoint = `127.0.0.1:${await freePort()}`;
    const server = new PuppetServer({
      endpoint,
      token,
      puppet: new PuppetMock({ mocker }),
      tls: { disable: true },
    } as never);
    await server.start();
    servers.push({ server, token, endpoint });
  }
  const base = await settledHeap();

  const bots = [];
  for (const s of servers) bots.push(await bareServiceClient(s));
  const withBare = await settledHeap();
  for (const b of bots) await b.stop();

  const db = await connectDatabase({
    uri,
    dbName: `bench_heap_${Date.now()}`,
    serverSelectionTimeoutMs: 5000,
    log: pino({ level: 'silent' }),
  });
  const config = {
    ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-heap-')),
  };
  const runtime = createRuntime({ config, connection: db.connection, log: pino({ level: 'silent' }) });
  const base2 = await settledHeap();
  for (const s of servers) {
    const robot = await runtime.manager.create({
      name: 'h',
      owner: 'bench',
      puppet: { kind: 'service', token: s.token, endpoint: s.endpoint, tlsDisable: true },
    });
    const synced = new Promise<void>((r) => {
      const f = (e: { robotId: string }) => e.robotId === robot.id && (runtime.manager.off('rooms-synced', f), r());
      runtime.manager.on('rooms-synced', f);
    });
    await runtime.manager.start(robot.id);
    await synced;
  }
  const withQunbot = await settledHeap();
  await runtime.manager.stopAll();
  await db.connection.dropDatabase();
  await db.close();
  await Promise.all(servers.map((s) => s.server.stop()));
  fs.rmSync(config.dataDir, { recursive: true, force: true });
  return { bare: (withBare - base) / robots / 2 ** 20, qunbot: (withQunbot - base2) / robots / 2 ** 20 };
}
