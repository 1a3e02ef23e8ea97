import { PuppetServer } from 'wechaty-puppet-service';
import { mock } from 'wechaty-puppet-mock';
import type { Runtime } from '../../src/bot/runtime';
import { freePort } from '../../src/lib/free-port';
import { apiHarness } from '../support/api';
import { FakeClock } from '../support/fake-clock';
import { useTestDatabase } from '../support/mongo';
import { RecordingPuppetMock } from '../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../support/runtime';

const t = useTestDatabase(__filename);

describe('a robot whose puppet service is unreachable', () => {
  let runtime: Runtime;
  let server: PuppetServer | undefined;
  const clock = new FakeClock(Date.now());

  afterAll(async () => {
    await runtime.manager.stopAll();
    await server?.stop();
  });

  test('when the endpoint refuses connections, then the robot goes offline, stops its Wechaty and retries after backoff', async () => {
    const port = await freePort();
    const token = 'insecure_offline-test';
    runtime = testRuntime(t.db, { clock, config: testRuntimeConfig({ backoffMs: 5000 }) });
    const robot = await runtime.manager.create({
      name: 'lonely',
      owner: 'o',
      puppet: { kind: 'service', token, endpoint: `127.0.0.1:${port}`, tlsDisable: true },
    });

    const offline = nextEvent(runtime.manager, 'status', (e) => e.robotId === robot.id && e.status === 'offline');
    await runtime.manager.start(robot.id);
    const event = await offline;
    expect(event.reason).toMatch(/cannot reach the puppet|start failed/);
    const hosted = runtime.manager.robot(robot.id);
    expect(hosted?.wechaty).toBeUndefined();
    expect(hosted?.retryPending).toBe(true);
    expect(await runtime.robots.get(robot.id)).toMatchObject({ status: 'offline', desired: 'running' });

    // The reason and the next retry time are in the event, the robot's answer and no_qrcode.
    const retryAt = event.retryAt as Date;
    expect(retryAt.getTime()).toBeGreaterThan(clock.now());
    expect(retryAt.getTime()).toBeLessThanOrEqual(clock.now() + 5000);
    const api = await apiHarness(t.db, { runtime });
    const view = await api.admin.get(`/api/v1/robots/${robot.id}`);
    expect(view.body).toMatchObject({ status: 'offline', statusReason: event.reason, retryAt: retryAt.toISOString() });
    const qr = await api.admin.get(`/api/v1/robots/${robot.id}/qrcode`);
    expect(qr.status).toBe(404);
    expect(qr.body.error).toMatchObject({
      code: 'no_qrcode',
      message: `robot is offline: ${event.reason}; next retry at ${retryAt.toISOString()}; not waiting for a scan`,
      details: { status: 'offline', reason: event.reason, retryAt: retryAt.toISOString() },
    });

    // The service comes back; the next retry finds it and the robot logs in.
    const mocker = new mock.Mocker();
    const puppet = new RecordingPuppetMock({ mocker });
    server = new PuppetServer({
      endpoint: `127.0.0.1:${port}`,
      puppet,
      token,
      tls: { disable: true },
    } as ConstructorParameters<typeof PuppetServer>[0]);
    await server.start();
    const user = mocker.createContact({ name: 'Back Online' });
    mocker.use((m) => {
      setImmediate(() => m.login(user));
      return () => undefined;
    });

    const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robot.id);
    clock.advance(5000);
    expect(await loggedIn).toMatchObject({ wxName: 'Back Online' });
    expect(runtime.manager.robot(robot.id)?.retryPending).toBe(false);
    const after = await runtime.robots.get(robot.id);
    expect(after?.status).toBe('logged_in');
    expect(after?.retryAt).toBeUndefined();
  });
});
