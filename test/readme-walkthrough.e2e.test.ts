import fs from 'node:fs';
import path from 'node:path';
import { start } from '../src/main';
import { testMongoUri, uniqueDbName } from './support/mongo';
import { nextEvent } from './support/runtime';

/**
 * The README's first walk through the API, run as written: the curl lines between the
 * `walkthrough` markers are parsed (method, path, key, body) and sent to a qunbot started on
 * its defaults with a mock robot, so a newcomer without a WeChat account can follow them.
 */
interface Step {
  method: string;
  path: string;
  key: 'ADMIN' | 'KEY';
  body?: string;
  line: string;
}

function walkthroughSteps(): Step[] {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
  const block = /<!-- walkthrough:start -->([\s\S]*?)<!-- walkthrough:end -->/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.startsWith('curl '))
    .map((line) => {
      const url = /"?\$QB(\/[^\s"]*)"?/.exec(line);
      const key = /Bearer \$(ADMIN|KEY)/.exec(line);
      if (!url || !key) throw new Error(`cannot read the README line: ${line}`);
      const body = / -d '([^']*)'/.exec(line)?.[1];
      return {
        method: /-X (\w+)/.exec(line)?.[1] ?? 'GET',
        path: url[1],
        key: key[1] as Step['key'],
        ...(body === undefined ? {} : { body }),
        line,
      };
    });
}

describe("the README's API walk-through", () => {
  const ADMIN = 'qb_walkthrough-admin-key-0123456789';
  let qunbot: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    qunbot = await start({
      NODE_ENV: 'test',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${uniqueDbName('walkthrough')}`,
      PORT: '0',
      QUNBOT_ADMIN_KEY: ADMIN,
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    });
  });
  afterAll(() => qunbot?.stop());

  test('when a newcomer runs its lines with a mock robot, then the robot shows a QR code, logs in and a send is delivered', async () => {
    const steps = walkthroughSteps();
    expect(steps.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api-keys',
      'POST /robots',
      'POST /robots/<id>/login',
      'GET /robots/<id>/qrcode',
      'GET /robots/<id>',
      'GET /rooms?robotId=<id>',
      'POST /messages',
      'GET /messages/<sendId>',
    ]);
    const keys: Record<Step['key'], string> = { ADMIN, KEY: '' };
    const ids: Record<string, string> = {};
    const fill = (text: string) => text.replace(/<(\w+)>/g, (m, name: string) => ids[name] ?? m);
    const send = async (step: Step) => {
      const res = await fetch(`${qunbot.url}/api/v1${fill(step.path)}`, {
        method: step.method,
        headers: {
          Authorization: `Bearer ${keys[step.key]}`,
          ...(step.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(step.body === undefined ? {} : { body: fill(step.body) }),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each step checks its own shape
      return { status: res.status, body: (await res.json()) as any };
    };
    const [apiKey, robot, login, qrcode, view, rooms, message, outcome] = steps;
    const manager = qunbot.runtime.manager;

    const key = await send(apiKey);
    expect(key).toMatchObject({ status: 201, body: { owner: 'acme', key: expect.stringMatching(/^qb_/) } });
    keys.KEY = key.body.key;

    const created = await send(robot);
    expect(created).toMatchObject({ status: 201, body: { owner: 'acme', puppetKind: 'mock' } });
    ids.id = created.body.id;

    const shown = nextEvent(manager, 'qrcode', (e) => e.robotId === ids.id);
    const loggedIn = nextEvent(manager, 'rooms-synced', (e) => e.robotId === ids.id);
    expect((await send(login)).status).toBeLessThan(300);
    await shown;
    const qr = await send(qrcode);
    expect(qr).toMatchObject({ status: 200, body: { payload: expect.stringContaining('login.weixin.qq.com') } });
    expect(qr.body.dataUrl).toMatch(/^data:image\/png;base64,/);

    await loggedIn;
    expect(await send(view)).toMatchObject({ status: 200, body: { status: 'logged_in', wxName: '小助手' } });
    const listed = await send(rooms);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);
    ids.roomId = listed.body.items[0].id;

    const settled = nextEvent(manager, 'settled', (e) => e.robotId === ids.id);
    const queued = await send(message);
    expect(queued).toMatchObject({ status: 202, body: { robotId: ids.id, roomId: ids.roomId } });
    ids.sendId = queued.body.id;
    expect((await settled).record.id).toBe(ids.sendId);
    // wechaty-puppet-mock returns no message id for a send (a real puppet does), so none is checked.
    expect(await send(outcome)).toMatchObject({ status: 200, body: { id: ids.sendId, status: 'sent' } });
  });
});
