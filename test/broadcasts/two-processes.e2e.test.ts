import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RobotService } from '../../src/bot/robot.service';
import { RoomService } from '../../src/bot/room.service';
import { SubscriptionService } from '../../src/webhooks/subscription.service';
import { broadcastServiceOn } from '../support/broadcasts';
import { useTestDatabase } from '../support/mongo';
import { qunbotEnv, startQunbot, webhookReceiver } from '../support/qunbot-process';

const t = useTestDatabase(__filename);
const OWNER = 'two-process-owner';

describe('two qunbot processes on one database', () => {
  test('when a broadcast falls due, then exactly one process fires it: one run, one delivery per room, one report', async () => {
    const conn = t.db.connection;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-two-'));
    const robot = await new RobotService(conn, { kind: 'mock', tlsDisable: true }).create({
      owner: OWNER,
      name: 'idle robot',
    } as never);
    await new RoomService(conn, () => Date.now()).sync(
      robot.id,
      undefined,
      Array.from({ length: 5 }, (_, i) => ({ puppetId: `two-${i}@chatroom`, topic: `Two ${i}`, memberCount: 3 })),
    );
    const receiver = await webhookReceiver();
    await new SubscriptionService(conn).create({ owner: OWNER, url: receiver.url, events: ['broadcast.finished'] });
    const service = broadcastServiceOn(conn);

    const env = qunbotEnv(home, conn.name);
    const a = startQunbot(env);
    const b = startQunbot(env);
    try {
      // Due in a few seconds, when both processes tick every second.
      const task = await service.create({
        owner: OWNER,
        name: 'two processes',
        materials: [{ type: 'text', text: 'once only' }],
        targets: { mode: 'all' },
        schedule: { kind: 'once', at: new Date(Date.now() + 6000) },
      });
      const event = await receiver.finished;
      expect(await service.Run.countDocuments({ taskId: task.id })).toBe(1);
      expect(await service.Delivery.countDocuments({ taskId: task.id })).toBe(5);
      // The robot is not running in either process: every room is reported, none silently dropped.
      expect(event.payload.counts).toMatchObject({ total: 5, failed: 5 });
      expect(await service.get(task.id)).toMatchObject({ runs: 1, executed: 1, state: 'finished', nextRunAt: null });
      expect(receiver.events.filter((e) => e.type === 'broadcast.finished')).toHaveLength(1);
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await receiver.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
