import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BroadcastService } from '../../src/broadcasts/broadcast.service';
import { TargetResolver } from '../../src/broadcasts/targets';
import { RobotService } from '../../src/bot/robot.service';
import { RoomService } from '../../src/bot/room.service';
import { SendLogService } from '../../src/bot/send-log.service';
import { SubscriptionService } from '../../src/webhooks/subscription.service';
import { testMongoUri, useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';

const t = useTestDatabase(__filename);
const ROOT = path.resolve(__dirname, '../..');
const ROOMS = 30;
const OWNER = 'crash-owner';

/** qunbot itself (src/main.ts) in a child process, on the test database and the mock's puppet service. */
function startQunbot(env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  void exited.then((how) => {
    if (how !== 'SIGKILL' && how !== 'SIGTERM' && how !== 0) process.stderr.write(`qunbot child exited ${String(how)}: ${stderr}\n`);
  });
  return { child, exited };
}

/** A local receiver of native webhooks: resolves with the first broadcast.finished event. */
async function webhookReceiver() {
  let resolve!: (e: { payload: { counts: Record<string, number>; runId: string } }) => void;
  const finished = new Promise<{ payload: { counts: Record<string, number>; runId: string } }>((r) => (resolve = r));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.end('ok');
      const event = JSON.parse(body) as { type: string };
      if (event.type === 'broadcast.finished') resolve(event as never);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, finished, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('broadcast crash safety (qunbot killed with SIGKILL mid-broadcast, then restarted)', () => {
  let svc: MockService;
  let home: string;

  beforeAll(async () => {
    svc = await startMockService();
    // Every robot that connects is logged in, like a WeChat session that survives its client.
    svc.mocker.use((m) => {
      setImmediate(() => m.login(svc.user));
      return () => undefined;
    });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-crash-'));
  });

  afterAll(async () => {
    await svc.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('when qunbot dies mid-way, then after the restart no room got the run twice and every room is accounted for', async () => {
    const conn = t.db.connection;
    const rooms = createRooms(svc, ROOMS, 2, (i) => `Crash group ${i}`);
    const robots = new RobotService(conn, { kind: 'service', tlsDisable: true });
    const robot = await robots.create({ owner: OWNER, name: 'crash robot', puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true } } as never);
    await robots.setDesired(robot.id, 'running');
    await new RoomService(conn, () => Date.now()).sync(robot.id, undefined, rooms.map(({ room }) => ({ puppetId: room.id, topic: room.payload.topic, memberCount: 3 })));
    const receiver = await webhookReceiver();
    await new SubscriptionService(conn).create({ owner: OWNER, url: receiver.url, events: ['broadcast.finished'] });
    const sendLog = new SendLogService(conn);
    const service = new BroadcastService({ connection: conn, sendLog, targets: new TargetResolver(conn), clock: { now: () => Date.now(), sleep: async () => undefined }, policy: { maxTargets: 1000, maxActivePerOwner: 10, timeZone: 'Asia/Shanghai' } });
    const task = await service.create({ owner: OWNER, name: 'crash test', materials: [{ type: 'text', text: 'crash test broadcast' }], targets: { mode: 'all' }, schedule: { kind: 'now' } });

    const env = {
      PATH: process.env.PATH,
      HOME: home,
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: path.join(home, 'data'),
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${conn.name}`,
      QUNBOT_ADMIN_KEY: 'crash-test-admin-key-0123456789',
      QUNBOT_WEBHOOK_KEY: 'crash-test-webhook-signing-key-0123456789',
      OUTBOX_RATE_PER_SEC: '8',
      OUTBOX_ROOM_GAP_MS: '0',
      OUTBOX_JITTER_MS: '0',
    };
    const first = startQunbot(env);
    await svc.puppet.receivedCount(10);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = svc.puppet.received.length;
    expect(atKill).toBeLessThan(ROOMS);

    const second = startQunbot(env);
    try {
      const event = await receiver.finished;
      const counts = event.payload.counts;
      const received = svc.puppet.received.filter((m) => m.text === 'crash test broadcast');
      const perRoom = new Map<string, number>();
      for (const m of received) perRoom.set(m.conversationId, (perRoom.get(m.conversationId) ?? 0) + 1);
      // No room got the run twice.
      expect([...perRoom.values()].every((n) => n === 1)).toBe(true);
      // Every room is accounted for: sent, or unknown (the send in flight at the kill: not repeated).
      expect(counts.total).toBe(ROOMS);
      expect(counts.sent + counts.unknown).toBe(ROOMS);
      expect(counts.unknown).toBeLessThanOrEqual(1);
      const deliveries = await service.deliveries(event.payload.runId);
      expect(deliveries).toHaveLength(ROOMS);
      for (const d of deliveries) {
        const conversation = rooms.find(({ room }) => room.payload.topic === d.topic)?.room.id as string;
        if (d.status === 'sent') {
          expect(perRoom.get(conversation)).toBe(1);
          expect(d.sends[0].puppetMessageId).toBeDefined();
        } else expect(d.status).toBe('unknown');
      }
      expect(received.length).toBeGreaterThanOrEqual(ROOMS - 1);
      expect(await service.Run.countDocuments({ taskId: task.id })).toBe(1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await receiver.close();
    }
  }, 120_000);
});
