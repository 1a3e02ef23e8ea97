import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RobotService } from '../../src/bot/robot.service';
import { KeywordRuleService } from '../../src/plugins/keyword-reply/keyword-rule.service';
import { MentionService } from '../../src/plugins/mention-capture/mention.service';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { qunbotEnv, startLoggedQunbot } from '../support/qunbot-process';

const t = useTestDatabase(__filename);
const OWNER = 'kill9-owner';

/**
 * What the plugins counted and captured is in the database the moment it happened: qunbot
 * killed with SIGKILL (no shutdown, no flush) right after keyword replies and a mention's
 * trailing messages loses none of them, and the next run resumes the mention's open window.
 * Over real puppet-service gRPC (the mock's session survives its clients, so both runs log in).
 */
describe('plugin state across kill -9', () => {
  let svc: MockService;
  let home: string;

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    svc.mocker.use((m) => {
      setImmediate(() => m.login(svc.user));
      return () => undefined;
    });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-kill9-'));
  });

  afterAll(async () => {
    await svc.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('when qunbot is killed right after keyword replies and trailing messages, then trigger counts and the trailing context are stored, and the next run resumes the window', async () => {
    const conn = t.db.connection;
    const [roomA, roomB] = createRooms(svc, 2, 2, (i) => `Kill group ${i}`);
    const robots = new RobotService(conn, { kind: 'service', tlsDisable: true });
    const robot = await robots.create({
      owner: OWNER,
      name: 'kill9 robot',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    } as never);
    await robots.setDesired(robot.id, 'running');
    const keywords = new KeywordRuleService(conn);
    const rules = new Map<string, string>();
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5'])
      rules.set(
        k,
        (await keywords.create(OWNER, { keywords: [k], mode: 'contains', replies: [{ type: 'text', text: `r-${k}` }] }))
          .id,
      );
    const env = {
      ...qunbotEnv(home, conn.name),
      OUTBOX_RATE_PER_SEC: '50',
      OUTBOX_ROOM_GAP_MS: '0',
      OUTBOX_JITTER_MS: '0',
    };
    const replied = async (k: string) => {
      const n = svc.puppet.received.length + 1;
      const got = await svc.puppet.receivedCount(n);
      expect(got[n - 1].text).toBe(`r-${k}`);
    };
    const [a, b] = [roomA.people[0], roomB.people[0]];

    const first = startLoggedQunbot(env);
    await first.logged('rooms synced');
    a.say('k1').to(roomA.room);
    await replied('k1');
    // A mention that is also a keyword: captured (awaited) before the keyword plugin answers.
    b.say('@QunBot k2 where is my parcel', [svc.user]).to(roomB.room);
    await replied('k2');
    b.say('k3 order 42').to(roomB.room);
    await replied('k3');
    b.say('k4 it was due yesterday').to(roomB.room);
    await replied('k4');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const counts = async () =>
      Object.fromEntries((await keywords.list(OWNER)).map((r) => [r.keywords[0], r.triggerTimes]));
    expect(await counts()).toEqual({ k1: 1, k2: 1, k3: 1, k4: 1, k5: 0 });
    const mentions = new MentionService(conn);
    const [mention] = (await mentions.list(OWNER)).items;
    expect(mention).toMatchObject({ text: '@QunBot k2 where is my parcel', afterComplete: false });
    expect(mention.after.map((l) => l.text)).toEqual(['k3 order 42', 'k4 it was due yesterday']);

    const second = startLoggedQunbot(env);
    try {
      await second.logged('rooms synced');
      b.say('k5 thanks').to(roomB.room);
      await replied('k5');
      expect(await counts()).toEqual({ k1: 1, k2: 1, k3: 1, k4: 1, k5: 1 });
      const resumed = await mentions.byId(mention.id);
      expect(resumed?.after.map((l) => l.text)).toEqual(['k3 order 42', 'k4 it was due yesterday', 'k5 thanks']);
      expect(resumed?.afterComplete).toBe(false);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
