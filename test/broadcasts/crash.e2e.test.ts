import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BroadcastService } from '../../src/broadcasts/broadcast.service';
import { TargetResolver } from '../../src/broadcasts/targets';
import { RobotService } from '../../src/bot/robot.service';
import { RoomService } from '../../src/bot/room.service';
import { SendLogService } from '../../src/bot/send-log.service';
import { SubscriptionService } from '../../src/webhooks/subscription.service';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { qunbotEnv, startQunbot, webhookReceiver } from '../support/qunbot-process';

const t = useTestDatabase(__filename);
const ROOMS = 30;
const OWNER = 'crash-owner';

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
    const robot = await robots.create({
      owner: OWNER,
      name: 'crash robot',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    } as never);
    await robots.setDesired(robot.id, 'running');
    await new RoomService(conn, () => Date.now()).sync(
      robot.id,
      undefined,
      rooms.map(({ room }) => ({ puppetId: room.id, topic: room.payload.topic, memberCount: 3 })),
    );
    const receiver = await webhookReceiver();
    await new SubscriptionService(conn).create({ owner: OWNER, url: receiver.url, events: ['broadcast.finished'] });
    const sendLog = new SendLogService(conn);
    const service = new BroadcastService({
      connection: conn,
      sendLog,
      targets: new TargetResolver(conn),
      clock: { now: () => Date.now(), sleep: async () => undefined },
      policy: { maxTargets: 1000, maxActivePerOwner: 10, timeZone: 'Asia/Shanghai' },
    });
    const task = await service.create({
      owner: OWNER,
      name: 'crash test',
      materials: [{ type: 'text', text: 'crash test broadcast' }],
      targets: { mode: 'all' },
      schedule: { kind: 'now' },
    });

    const env = {
      ...qunbotEnv(home, conn.name),
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
