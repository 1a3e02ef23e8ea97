import { EventEmitter } from 'node:events';
import { bridgeRuntime } from '../../src/webhooks/bridge';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { makeOutbox, webhookConfig } from './support';

const t = useTestDatabase(__filename);

describe('the runtime bridge at shutdown', () => {
  test('when a robot goes offline just before qunbot stops, then its robot.offline event is stored before the bridge is detached', async () => {
    const outbox = makeOutbox(t.db, webhookConfig());
    const sub = await outbox.subscriptions.create({
      owner: 'owner-1',
      url: 'https://hooks.example/offline',
      events: ['robot.offline'],
    });
    const manager = new EventEmitter();
    const detach = bridgeRuntime({
      manager: manager as never,
      robots: { get: async () => ({ owner: 'owner-1' }) as never },
      rooms: { peek: () => undefined },
      mentions: new EventEmitter() as never,
      outbox,
      now: Date.now,
      log: silentLog,
    });
    manager.emit('status', { robotId: 'robot-1', status: 'offline', prev: 'logged_in', reason: 'shutdown race' });
    await detach();
    const stored = await outbox.deliveries.page({ target: sub.id }, { limit: 10 });
    expect(stored.items.map((d) => d.eventType)).toEqual(['robot.offline']);
    await outbox.stop();
  });
});
