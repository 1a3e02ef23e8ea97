import request from 'supertest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { start, type Started } from '../../src/main';
import { testMongoUri, useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent } from '../support/runtime';
import { STAGE_SAMPLE_EVERY } from '../../src/bot/robot-manager';
import { loggedInServiceRobot } from '../support/service-robots';

/**
 * GET /metrics over a real qunbot and a puppet-service mock robot, parsed by a Prometheus text
 * parser: the counters move when messages flow and authentications fail; the token guards it.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_metrics-e2e-test-admin-key-0123';
const TOKEN = 'metrics-token-for-the-scraper-0123456789';

interface Family {
  name: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

let qunbot: Started;
let svc: MockService;
let robotId: string;
let say: (text: string) => void;

beforeAll(async () => {
  svc = await startMockService('MetricsBot');
  const [{ room, people }] = createRooms(svc, 1, 2, () => '指标群');
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: ADMIN_KEY,
    QUNBOT_ADMIN_PASSWORD: 'Metrics-admin-pass1',
    QUNBOT_METRICS_TOKEN: TOKEN,
    QUNBOT_PROCESS_LABEL: 'worker-1',
  });
  robotId = await loggedInServiceRobot(qunbot, ADMIN_KEY, svc, { name: 'm', owner: 'acme' });
  // No welcome or other reply: the only send is the one the test makes.
  const heard = nextEvent(qunbot.runtime.manager, 'handled', (e) => e.event.kind === 'message');
  say = (text) => people[0]!.say(text).to(room);
  say('早');
  await heard;
});
afterAll(async () => {
  await qunbot?.stop();
  await svc?.stop();
});

const scrape = async (): Promise<Family[]> => {
  const res = await request(qunbot.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  // The parser merges a histogram's labelled series into one (as client_python 0.0.19, which it
  // follows, did), and every series here has the process label: without their TYPE lines a
  // histogram's series are read as plain samples (name_bucket, name_sum, name_count).
  return parsePrometheusTextFormat(res.text.replace(/^# TYPE \S+ histogram$/gm, '')) as Family[];
};
/** The value of the series `name` with `labels` (a histogram's observations: `<name>_count`). */
const value = (families: Family[], name: string, labels: Record<string, string>) =>
  Number(
    families
      .filter((f) => f.name === name)
      .flatMap((f) => f.metrics)
      .find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? NaN,
  );

describe('metrics', () => {
  test('when a message comes in, one goes out and a key is wrong, then the counters say so, every series labelled with the process', async () => {
    const rooms = await request(qunbot.url)
      .get(`/api/v1/rooms?robotId=${robotId}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    const before = await scrape();
    expect(value(before, 'qunbot_messages_received_total', { robot: robotId, process: 'worker-1' })).toBe(1);
    expect(value(before, 'qunbot_robots', { status: 'logged_in' })).toBe(1);
    expect(value(before, 'qunbot_outbox_queue_depth', { robot: robotId })).toBe(0);
    // Its lease was free (a new robot started here): held here, taken without a takeover.
    expect(value(before, 'qunbot_leases_held', {})).toBe(1);
    expect(value(before, 'qunbot_lease_takes_total', { kind: 'free' })).toBe(1);
    expect(value(before, 'qunbot_lease_losses_total', {})).toBe(0);
    expect(before.find((f) => f.name === 'process_cpu_user_seconds_total')?.metrics[0]?.labels?.process).toBe(
      'worker-1',
    );

    const sent = nextEvent(qunbot.runtime.manager, 'settled', (e) => e.record.status === 'sent');
    await request(qunbot.url)
      .post('/api/v1/messages')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ robotId, roomId: rooms.body.items[0].id, content: { type: 'text', text: '通知' } });
    await sent;
    await request(qunbot.url).get('/api/v1/robots').set('Authorization', 'Bearer qb_wrong-key-wrong-key-wrong-key-00');
    const after = await scrape();
    expect(value(after, 'qunbot_messages_sent_total', { robot: robotId, status: 'sent' })).toBe(1);
    expect(value(after, 'qunbot_send_latency_seconds_count', {})).toBe(1);
    expect(value(after, 'qunbot_auth_failures_total', { door: 'native' })).toBe(1);
  });

  test('when a broadcast run fires, then its lateness is observed', async () => {
    expect(value(await scrape(), 'qunbot_broadcast_lateness_seconds_count', {})).toBe(0);
    const sent = nextEvent(
      qunbot.runtime.manager,
      'settled',
      (e) => e.record.source?.startsWith('broadcast:') === true,
    );
    const made = await request(qunbot.url)
      .post('/api/v1/broadcasts')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({
        owner: 'acme',
        name: 'now',
        materials: [{ type: 'text', text: '群发' }],
        targets: { mode: 'all' },
        schedule: { kind: 'now' },
      });
    expect(made.status).toBe(201);
    await sent;
    expect(value(await scrape(), 'qunbot_broadcast_lateness_seconds_count', {})).toBe(1);
  });

  test('when the token is missing or wrong, then 401 and no figures', async () => {
    const none = await request(qunbot.url).get('/metrics');
    expect([none.status, none.text.includes('qunbot_')]).toEqual([401, false]);
    const wrong = await request(qunbot.url).get('/metrics').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
  });

  test('when messages go through the plugins, then each plugin’s own time is observed on a sample of them', async () => {
    const observed = (fs: Family[], plugin: string) => value(fs, 'qunbot_plugin_stage_seconds_count', { plugin });
    const before = await scrape();
    // One event in STAGE_SAMPLE_EVERY is timed: that many messages in a row include one.
    for (let i = 0; i < STAGE_SAMPLE_EVERY; i++) {
      const heard = nextEvent(qunbot.runtime.manager, 'handled', (e) => e.event.kind === 'message');
      say(`第${i}条`);
      await heard;
    }
    const after = await scrape();
    // keyword-reply and mention-capture take every message in a room: one of the messages was timed.
    for (const plugin of ['keyword-reply', 'mention-capture']) {
      expect(observed(after, plugin) - (observed(before, plugin) || 0)).toBe(1);
      // Its own time: a positive figure, well under a second for a message no rule matches.
      const seconds = value(after, 'qunbot_plugin_stage_seconds_sum', { plugin });
      expect(seconds > 0 && seconds < 1).toBe(true);
    }
  });
});
