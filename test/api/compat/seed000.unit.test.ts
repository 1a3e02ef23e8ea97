import type { RobotStatus } from '../../../src/bot/core/robot-state';
import type { RobotView } from '../../../src/bot/robot.service';
import type { RoomView } from '../../../src/bot/room.service';
import { keyedSerializer } from '../../../src/api/compat/seed000/router';
import { pickAccountRobot, pickRobotToLogin, uniqueRooms } from '../../../src/api/compat/seed000/platform-robots';
import { ownerOf, parseOwner, PlatformKeys, platformOwnerPrefix } from '../../../src/api/compat/seed000/platforms';
import { getQrcodeBody, hostListQuery, productionBody, signRuleBody } from '../../../src/api/compat/seed000/schemas';
import { sendMsgMaterial } from '../../../src/api/compat/seed000/send-msg.endpoint';
import { loadConfig } from '../../../config';

const robot = (id: string, extra: Partial<RobotView> = {}): RobotView => ({
  id,
  name: id,
  owner: 'seed000:frxs:u',
  puppetKind: 'mock',
  assignable: true,
  desired: 'stopped',
  status: 'created',
  createdAt: new Date(0),
  ...extra,
});

const room = (id: string, puppetId: string): RoomView => ({
  id,
  robotId: 'r',
  puppetId,
  topic: `topic ${puppetId}`,
  memberCount: 1,
  present: true,
  bound: false,
  production: true,
  launch: false,
  plugins: {},
});

describe('seed 000 platform keys', () => {
  const keys = new PlatformKeys([
    { id: 'frxs', key: 'frxs-key-0123456789abcdefghij' },
    { id: 'star_chain', key: 'star-key-0123456789abcdefghij' },
  ]);

  test.each([
    ['frxs-key-0123456789abcdefghij', 'frxs'],
    ['star-key-0123456789abcdefghij', 'star_chain'],
    ['frxs-key-0123456789abcdefghi', undefined],
    ['frxs-key-0123456789abcdefghijk', undefined],
    ['FRXS-key-0123456789abcdefghij', undefined],
    ['', undefined],
  ])('when the key is %j, then the platform is %j', (key, id) => {
    expect(keys.verify(key)?.id).toBe(id);
  });

  test('when asked about ids, then only configured ones exist', () => {
    expect(keys.has('frxs')).toBe(true);
    expect(keys.has('star_chain')).toBe(true);
    expect(keys.has('nope')).toBe(false);
  });

  test('when built, then no key is kept in clear', () => {
    const all = JSON.stringify(keys) + JSON.stringify(Object.values(keys as object));
    expect(all).not.toContain('frxs-key');
  });
});

describe('seed 000 owners', () => {
  test.each([
    ['frxs', '13612345678'],
    ['star_chain', 'smart'],
    ['a', 'x.y@z-1_'],
  ])(
    'when platform %j and user %j make an owner, then it parses back and fits the native owner rule',
    (platformId, md) => {
      const owner = ownerOf(platformId, md);
      expect(parseOwner(owner)).toEqual({ platformId, mdUsername: md });
      expect(owner.startsWith(platformOwnerPrefix(platformId))).toBe(true);
      expect(owner).toMatch(/^[\w.@:-]{1,64}$/);
    },
  );

  test.each(['alice', 'seed000:frxs', 'seed000::x', 'seed000:FRXS:x', 'seed001:frxs:x', 'seed000:frxs:a:b'])(
    'when the owner is %j, then it is no platform user',
    (owner) => {
      expect(parseOwner(owner)).toBeUndefined();
    },
  );

  test('when one platform id is a prefix of another, then their owners do not overlap', () => {
    expect(ownerOf('frxs2', 'u').startsWith(platformOwnerPrefix('frxs'))).toBe(false);
  });
});

describe('seed 000 robot choice for getqrcode', () => {
  const cases: [string, [string, RobotStatus | undefined, string?][], string | undefined][] = [
    ['no robots', [], undefined],
    [
      'all logged in',
      [
        ['a', 'logged_in', 'wx1'],
        ['b', 'logged_in', 'wx2'],
      ],
      undefined,
    ],
    ['one never started', [['a', undefined]], 'a'],
    [
      'a login under way wins over a fresh robot',
      [
        ['a', undefined],
        ['b', 'waiting_for_scan'],
      ],
      'b',
    ],
    [
      'starting counts as under way',
      [
        ['a', 'offline', 'wx1'],
        ['b', 'starting'],
      ],
      'b',
    ],
    [
      'a logged-out running robot is under way (it shows a new code)',
      [
        ['a', undefined],
        ['b', 'logged_out', 'wx2'],
      ],
      'b',
    ],
    [
      'a robot without an account wins over an offline account',
      [
        ['a', 'offline', 'wx1'],
        ['b', undefined],
      ],
      'b',
    ],
    [
      'else the first other one',
      [
        ['a', 'logged_in', 'wx1'],
        ['b', 'offline', 'wx2'],
        ['c', 'error', 'wx3'],
      ],
      'b',
    ],
    [
      'the first among equals',
      [
        ['a', 'waiting_for_scan'],
        ['b', 'waiting_for_scan'],
      ],
      'a',
    ],
  ];
  test.each(cases)('when %s, then the choice is %j', (_, rows, want) => {
    const robots = rows.map(([id, , wxId]) => robot(id, wxId ? { wxId } : {}));
    const status = new Map(rows.map(([id, s]) => [id, s]));
    expect(pickRobotToLogin(robots, (id) => status.get(id))?.id).toBe(want);
  });
});

describe('seed 000 robot of a WeChat account', () => {
  const at = (ms: number) => new Date(ms);
  test.each([
    ['none', [], [], undefined],
    ['the logged-in one', [robot('a', { loggedInAt: at(9) }), robot('b', { loggedInAt: at(1) })], ['b'], 'b'],
    [
      'else the last logged in',
      [robot('a', { loggedInAt: at(1) }), robot('b', { loggedInAt: at(5) }), robot('c')],
      [],
      'b',
    ],
    ['else the first', [robot('a'), robot('b')], [], 'a'],
  ] as [string, RobotView[], string[], string | undefined][])('when %s, then %j', (_, robots, online, want) => {
    expect(pickAccountRobot(robots, (id) => online.includes(id))?.id).toBe(want);
  });
});

describe('seed 000 broadcast targets', () => {
  test('when two robots share a WeChat room, then it is one target, through the first robot', () => {
    const targets = uniqueRooms([
      { robotId: 'r1', rooms: [room('x1', 'a@chatroom'), room('x2', 'b@chatroom')] },
      { robotId: 'r2', rooms: [room('y1', 'b@chatroom'), room('y2', 'c@chatroom')] },
    ]);
    expect(targets).toEqual([
      { robotId: 'r1', roomId: 'x1', puppetId: 'a@chatroom', topic: 'topic a@chatroom' },
      { robotId: 'r1', roomId: 'x2', puppetId: 'b@chatroom', topic: 'topic b@chatroom' },
      { robotId: 'r2', roomId: 'y2', puppetId: 'c@chatroom', topic: 'topic c@chatroom' },
    ]);
  });
});

describe('seed 000 per-user serializing', () => {
  test('when calls share a key, then each starts after the previous ended, even a failed one; other keys do not wait', async () => {
    const serialize = keyedSerializer();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = serialize('u1', async () => {
      order.push('first start');
      await gate;
      order.push('first end');
      throw new Error('first failed');
    });
    const second = serialize('u1', async () => {
      order.push('second');
      return 2;
    });
    const other = serialize('u2', async () => {
      order.push('other');
      return 3;
    });
    expect(await other).toBe(3);
    expect(order).toEqual(['first start', 'other']);
    release();
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe(2);
    expect(order).toEqual(['first start', 'other', 'first end', 'second']);
  });
});

describe('seed 000 request fields', () => {
  test.each([
    [{ md_username: '13612345678' }, true],
    [{ md_username: 13612345678 }, true],
    [{ md_username: ' smart ' }, true],
    [{ md_username: '' }, false],
    [{ md_username: 'a:b' }, false],
    [{ md_username: 'x'.repeat(33) }, false],
    [{ md_username: 1.5 }, false],
    [{ md_username: -1 }, false],
    [{ md_username: ['136'] }, false],
    [{}, false],
  ])('getqrcode %j valid: %j', (body, ok) => {
    expect(getQrcodeBody.safeParse(body).success).toBe(ok);
  });

  test('when md_username is a JSON number, then it is its digits', () => {
    expect(getQrcodeBody.parse({ md_username: 13612345678 }).md_username).toBe('13612345678');
    expect(hostListQuery.parse({ username: ' 136 ' }).username).toBe('136');
  });

  test.each([
    ['the 11.16 form', true, { chatroom_list: ['a@chatroom'], wx_username: 'wxid_1' }],
    ['the older form, empty list', true, { chatroom_list: [], md_username: '136' }],
    ['no robot named', false, { chatroom_list: ['a@chatroom'] }],
    ['a string for the list', false, { chatroom_list: 'a@chatroom', wx_username: 'wxid_1' }],
    ['a number in the list', false, { chatroom_list: [1], wx_username: 'wxid_1' }],
    ['an empty id', false, { chatroom_list: [''], wx_username: 'wxid_1' }],
    ['501 ids', false, { chatroom_list: Array(501).fill('a@chatroom'), wx_username: 'wxid_1' }],
    ['no list', false, { wx_username: 'wxid_1' }],
  ])('production body, %s: valid %s', (_, ok, body) => {
    expect(productionBody.safeParse(body).success).toBe(ok);
  });

  test.each([
    [{ md_username: '136', keyword: '签到' }, true],
    [{ md_username: '136', keyword: '  ' }, false],
    [{ md_username: '136', keyword: 'x'.repeat(51) }, false],
    [{ md_username: '136', keyword: 5 }, false],
    [{ keyword: '签到' }, false],
  ])('define_sign_rule %j valid: %j', (body, ok) => {
    expect(signRuleBody.safeParse(body).success).toBe(ok);
  });
});

describe('seed 000 config', () => {
  const KEY_A = 'key-a-0123456789abcdefghijkl';
  const KEY_B = 'key-b-0123456789abcdefghijkl';
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  test('when nothing is set, then seed 000 is off', () => {
    expect(load({}).compat.seed000).toEqual({ enabled: false, qrWaitSec: 15 });
  });

  test('when enabled with platforms, then they are read from SEED000_PLATFORMS', () => {
    const c = load({
      SEED000_ENABLED: 'true',
      SEED000_PLATFORMS: JSON.stringify([
        { id: 'frxs', key: KEY_A },
        { id: 'star_chain', key: KEY_B },
      ]),
    });
    expect(c.compat.seed000?.platforms?.map((p) => p.id)).toEqual(['frxs', 'star_chain']);
  });

  test('when a platform has an allow-list and no key, then it is read (the compatible mode)', () => {
    const c = load({
      SEED000_ENABLED: 'true',
      SEED000_PLATFORMS: JSON.stringify([
        { id: 'frxs', allowFrom: ['10.0.0.0/8', '::1'] },
        { id: 'gy', key: KEY_A },
      ]),
      QUNBOT_TRUSTED_PROXIES: '127.0.0.1, 10.1.0.0/16',
    });
    expect(c.compat.seed000?.platforms).toEqual([
      { id: 'frxs', allowFrom: ['10.0.0.0/8', '::1'] },
      { id: 'gy', key: KEY_A },
    ]);
    expect(c.http.trustedProxies).toEqual(['127.0.0.1', '10.1.0.0/16']);
  });

  test.each([
    [{ SEED000_ENABLED: 'true' }, 'set SEED000_PLATFORMS'],
    [{ SEED000_PLATFORMS: `not json ${KEY_A}` }, 'must be a JSON array'],
    [{ SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', key: 'short' }]) }, 'at least 24 characters'],
    [{ SEED000_PLATFORMS: JSON.stringify([{ id: 'Frxs!', key: KEY_A }]) }, 'platform id'],
    [
      {
        SEED000_PLATFORMS: JSON.stringify([
          { id: 'frxs', key: KEY_A },
          { id: 'frxs', key: KEY_B },
        ]),
      },
      'ids must be unique',
    ],
    [
      {
        SEED000_PLATFORMS: JSON.stringify([
          { id: 'frxs', key: KEY_A },
          { id: 'star', key: KEY_A },
        ]),
      },
      'its own key',
    ],
    [{ SEED000_PLATFORMS: '[]' }, 'at least one platform'],
    [{ SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs' }]) }, 'a key or allowFrom'],
    [{ SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', allowFrom: ['10.0.0.0/33'] }]) }, 'CIDR range'],
    [{ SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', allowFrom: ['example.com'] }]) }, 'CIDR range'],
    [{ QUNBOT_TRUSTED_PROXIES: '127.0.0.1,proxy.local' }, 'CIDR range'],
  ])('when %j, then start-up stops naming the problem and never the keys', (env, says) => {
    expect(() => load(env)).toThrow(says);
    try {
      load(env);
    } catch (err) {
      expect((err as Error).message).not.toContain(KEY_A);
      expect((err as Error).message).not.toContain('short');
    }
  });

  test('when platforms are put in a config file, then start-up refuses (secrets come from the environment only)', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const os = jest.requireActual<typeof import('node:os')>('node:os');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-cfg-'));
    fs.copyFileSync(path.join(__dirname, '../../../config/default.json'), path.join(dir, 'default.json'));
    fs.writeFileSync(path.join(dir, 'test.json'), JSON.stringify({ compat: { seed000: { platforms: '[]' } } }));
    expect(() => loadConfig({ NODE_ENV: 'test' }, dir)).toThrow('SEED000_PLATFORMS');
  });
});

describe('seed 000 send_msg items', () => {
  test.each([
    ['今日特价', { type: 'text', text: '今日特价' }],
    ['https://example.com/deal', { type: 'link', title: 'example.com/deal', url: 'https://example.com/deal' }],
    ['  http://s.cn/  ', { type: 'link', title: 's.cn', url: 'http://s.cn/' }],
    ['HTTPS://EXAMPLE.COM/A?b=1', { type: 'link', title: 'example.com/A', url: 'HTTPS://EXAMPLE.COM/A?b=1' }],
    ['see https://example.com/deal', { type: 'text', text: 'see https://example.com/deal' }],
    ['https://example.com/a b', { type: 'text', text: 'https://example.com/a b' }],
    ['ftp://example.com/file', { type: 'text', text: 'ftp://example.com/file' }],
    ['http://', { type: 'text', text: 'http://' }],
  ])('when an item is %j, then it is sent as %j', (item, material) => {
    expect(sendMsgMaterial(item)).toEqual(material);
  });
});
