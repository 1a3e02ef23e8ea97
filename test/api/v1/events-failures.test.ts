import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { apiHarness } from '../../support/api';
import { useTestDatabase } from '../../support/mongo';
import { openEventStream } from '../../support/sse';

/**
 * The event stream when things go wrong: the database cannot answer a robot lookup (the stream
 * ends so the console reconnects, and the process does not die of an unhandled rejection), and
 * shutdown (new streams are refused, so a reconnecting browser cannot keep the server open).
 */
const t = useTestDatabase(__filename);

describe('the event stream when things go wrong', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    h = await apiHarness(t.db, { deps: { eventsHeartbeatMs: 50 } });
    server = http.createServer(h.server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('when a robot lookup fails while a stream is open, then the stream ends and nothing is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    const robot = await h.runtime.manager.create({ name: 'r', owner: 'alice' });
    const alice = (await h.keys.create({ name: 'a', owner: 'alice' })).key;
    const stream = openEventStream(url, { Authorization: `Bearer ${alice}` });
    await stream.next((e) => e.event === 'ready');
    const get = h.runtime.robots.get.bind(h.runtime.robots);
    h.runtime.robots.get = () => Promise.reject(new Error('database away'));
    try {
      h.runtime.manager.emit('status', { robotId: robot.id, status: 'offline', prev: 'logged_in' });
      await stream.end();
      // Give a rejection left unhandled the turn it needs to be reported.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(stream.events.map((e) => e.event)).toEqual(['ready']);
    } finally {
      h.runtime.robots.get = get;
      process.off('unhandledRejection', note);
    }
  });

  test('when the key a stream was opened with is revoked, then the stream ends at its next heartbeat', async () => {
    const made = await h.keys.create({ name: 'soon revoked', owner: 'alice' });
    const stream = openEventStream(url, { Authorization: `Bearer ${made.key}` });
    await stream.next((e) => e.event === 'ready');
    expect(
      (await request(h.server).delete(`/api/v1/api-keys/${made.id}`).set('Authorization', `Bearer ${h.adminKey}`))
        .status,
    ).toBe(200);
    await stream.end();
    expect(stream.ended).toBe(true);
  });

  test('when the API is closing, then open streams end and a new one is refused with 503 shutting_down', async () => {
    const stream = openEventStream(url, { Authorization: `Bearer ${h.adminKey}` });
    await stream.next((e) => e.event === 'ready');
    h.native.close();
    await stream.end();
    const again = await request(h.server).get('/api/v1/events').set('Authorization', `Bearer ${h.adminKey}`);
    expect([again.status, again.body.error.code]).toEqual([503, 'shutting_down']);
  });
});
