import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { notifyLogin } from '../../src/bot/login-callback';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';

/** A receiver that answers with the given statuses in turn. */
async function receiver(statuses: number[]) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.statusCode = statuses[Math.min(hits.length - 1, statuses.length - 1)];
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb?x=1`, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('notifyLogin', () => {
  test('when the receiver fails with 5xx then succeeds, then it retries with backoff and reports delivery', async () => {
    const r = await receiver([503, 500, 204]);
    const clock = new FakeClock();
    const done = notifyLogin(r.url, 'robot-1', { timeoutMs: 2000, attempts: 5 }, clock, silentLog);
    for (let i = 0; i < 2; i++) clock.advance(await clock.nextSleep());
    expect(await done).toBe(true);
    expect(r.hits).toEqual(['GET /cb?x=1', 'GET /cb?x=1', 'GET /cb?x=1']);
    await r.close();
  });

  test('when the receiver keeps failing, then it gives up after the configured attempts', async () => {
    const r = await receiver([500]);
    const clock = new FakeClock();
    const done = notifyLogin(r.url, 'robot-1', { timeoutMs: 2000, attempts: 3 }, clock, silentLog);
    for (let i = 0; i < 2; i++) clock.advance(await clock.nextSleep());
    expect(await done).toBe(false);
    expect(r.hits).toHaveLength(3);
    await r.close();
  });

  test('when the receiver answers 4xx, then it is not retried (the URL is wrong, not down)', async () => {
    const r = await receiver([404]);
    expect(await notifyLogin(r.url, 'robot-1', { timeoutMs: 2000, attempts: 3 }, new FakeClock(), silentLog)).toBe(true);
    expect(r.hits).toHaveLength(1);
    await r.close();
  });
});
