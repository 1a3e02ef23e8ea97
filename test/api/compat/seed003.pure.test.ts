import { chooseRoom, roomSendInterfaces, sendStatusOf } from '../../../src/api/compat/seed003/room-send.endpoints';
import type { InterfaceDeps } from '../../../src/api/compat/seed003/endpoint';
import type { ReqHead } from '../../../src/api/compat/seed003/schemas';
import type { SendRecord } from '../../../src/bot/send-log.service';
import { FakeClock } from '../../support/fake-clock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../config';
import { answer, envelope, RtCode, seed003Name } from '../../../src/api/compat/seed003/envelope';
import {
  seed003Signature,
  signatureHeaderProblem,
  verifySeed003Signature,
} from '../../../src/api/compat/seed003/signature';
import { checkTxtime, formatTxtime, parseTxtime, zonedEpoch } from '../../../src/api/compat/seed003/txtime';
import { notifyFormat } from '../../../src/api/compat/seed003/notify.format';
import type { Delivery } from '../../../src/webhooks/delivery.service';

// Vectors from coreutils: printf '%s' '<body><key>' | md5sum
const BODY = '{"reqHead":{"chid":"CH01"},"reqBody":{}}';
const KEY = '0123456789abcdef';
const MD5_BODY_KEY = 'a53470010d8618066356c71fa513d3cf';

describe('seed 003 signature', () => {
  test.each([
    ['an ASCII body', BODY, KEY, MD5_BODY_KEY],
    ['a UTF-8 body and key', '{"text":"你好"}', '密钥key-0123456789', '85d335b41ddb91f86e063299d1749cc1'],
    ['an empty body and key', '', '', 'd41d8cd98f00b204e9800998ecf8427e'],
  ])('when signing %s, then it is md5(body + key) in lower-case hex', (_what, body, key, want) => {
    expect(seed003Signature(body, key)).toBe(want);
    expect(seed003Signature(Buffer.from(body, 'utf8'), key)).toBe(want);
  });

  test.each([
    ['the exact signature', MD5_BODY_KEY, true],
    ['upper-case hex', MD5_BODY_KEY.toUpperCase(), true],
    ['surrounding spaces', ` ${MD5_BODY_KEY} `, true],
    ['one digit changed', `${MD5_BODY_KEY.slice(0, -1)}e`, false],
    ['31 digits', MD5_BODY_KEY.slice(0, -1), false],
    ['33 digits', `${MD5_BODY_KEY}0`, false],
    ['not hex', 'z'.repeat(32), false],
    ['empty', '', false],
    ['the key itself', KEY, false],
    ['the signature of the body alone', seed003Signature(BODY, ''), false],
  ])('when verifying %s, then %s', (_what, given, ok) => {
    expect(verifySeed003Signature(BODY, KEY, given)).toBe(ok);
  });

  test('when the body or the key differ by one character, then the signature does not verify', () => {
    expect(verifySeed003Signature(BODY.replace('CH01', 'CH02'), KEY, MD5_BODY_KEY)).toBe(false);
    expect(verifySeed003Signature(BODY, `${KEY}x`, MD5_BODY_KEY)).toBe(false);
    expect(verifySeed003Signature(`${BODY} `, KEY, MD5_BODY_KEY)).toBe(false);
  });

  test.each([
    [undefined, 'MD5', 'missing_signature'],
    ['', 'MD5', 'missing_signature'],
    [MD5_BODY_KEY, undefined, 'bad_signature_type'],
    [MD5_BODY_KEY, 'SHA256', 'bad_signature_type'],
    [MD5_BODY_KEY, 'MD5', null],
    [MD5_BODY_KEY, 'md5', null],
  ])('when the headers are signature=%p type=%p, then %p', (sig, type, want) => {
    expect(signatureHeaderProblem(sig, type)).toBe(want);
  });
});

describe('seed 003 txtime', () => {
  test.each([
    ['20240229120000', { year: 2024, month: 2, day: 29, hour: 12, minute: 0, second: 0 }],
    ['19700101000000', { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 }],
    ['20231231235959', { year: 2023, month: 12, day: 31, hour: 23, minute: 59, second: 59 }],
  ])('when %s is parsed, then its fields are read', (text, want) => {
    expect(parseTxtime(text)).toEqual(want);
  });

  test.each([
    '20230229120000',
    '20241301000000',
    '20240100000000',
    '20240101240000',
    '20240101126000',
    '20240101120060',
    '2024010112000',
    '202401011200000',
    '2024-01-01 12:0',
    '19691231235959',
    '',
    'abcdefghijklmn',
  ])('when %p is parsed, then it is not a txtime', (text) => {
    expect(parseTxtime(text)).toBeNull();
  });

  test.each([
    ['20240101080000', 'Asia/Shanghai', Date.UTC(2024, 0, 1, 0, 0, 0)],
    ['20240101000000', 'UTC', Date.UTC(2024, 0, 1, 0, 0, 0)],
    ['20240101120000', 'America/New_York', Date.UTC(2024, 0, 1, 17, 0, 0)],
    ['20240710120000', 'America/New_York', Date.UTC(2024, 6, 10, 16, 0, 0)],
    ['20241103013000', 'America/New_York', Date.UTC(2024, 10, 3, 5, 30, 0)],
  ])('when %s is read in %s, then it names the right instant (offsets and DST)', (text, tz, want) => {
    expect(zonedEpoch(parseTxtime(text)!, tz)).toBe(want);
  });

  test('when an instant is formatted, then it is yyyymmddhhmmss of the zone and reads back the same', () => {
    const at = Date.UTC(2024, 0, 1, 16, 0, 5);
    expect(formatTxtime(at, 'Asia/Shanghai')).toBe('20240102000005');
    expect(formatTxtime(at, 'UTC')).toBe('20240101160005');
    expect(zonedEpoch(parseTxtime(formatTxtime(at, 'Asia/Shanghai'))!, 'Asia/Shanghai')).toBe(at);
  });

  // now = 2024-01-01 08:00:00 in Shanghai; window 300 s.
  const NOW = Date.UTC(2024, 0, 1, 0, 0, 0);
  test.each([
    ['now', '20240101080000', { ok: true, day: '20240101' }],
    ['300 s ahead (edge)', '20240101080500', { ok: true, day: '20240101' }],
    ['301 s ahead', '20240101080501', { ok: false, reason: 'stale' }],
    ['300 s behind (edge)', '20240101075500', { ok: true, day: '20240101' }],
    ['301 s behind', '20240101075459', { ok: false, reason: 'stale' }],
    ['the UTC wall time (8 h off)', '20240101000000', { ok: false, reason: 'stale' }],
    ['yesterday', '20231231080000', { ok: false, reason: 'stale' }],
    ['not a date', '20240132080000', { ok: false, reason: 'invalid' }],
    ['not digits', 'now', { ok: false, reason: 'invalid' }],
  ])('when txtime is %s, then %p', (_what, txtime, want) => {
    expect(checkTxtime(txtime, NOW, 'Asia/Shanghai', 300)).toEqual(want);
  });

  test("when a request signed at 23:59:59 is replayed after midnight, then its day is still the txtime's", () => {
    const justAfterMidnight = Date.UTC(2024, 0, 1, 16, 0, 1);
    expect(checkTxtime('20240101235959', justAfterMidnight, 'Asia/Shanghai', 300)).toEqual({
      ok: true,
      day: '20240101',
    });
  });
});

describe('seed 003 envelope and paths', () => {
  test.each([
    ['/api/login', 'login'],
    ['/api/roomSendText/', 'roomSendText'],
    ['/api/nothing', 'nothing'],
    ['/api/v1', null],
    ['/api/v1/', null],
    ['/api/v1/robots', null],
    ['/api', null],
    ['/api/', null],
    ['/api/a/b', null],
    ['/robots', null],
    ['/healthz', null],
  ])('when the path is %s, then the dialect name is %p', (p, want) => {
    expect(seed003Name(p)).toBe(want);
  });

  test('when an answer is built, then rtCode, rtMsg and the fields are at the top level and in resBody, with an empty resHead', () => {
    expect(answer(RtCode.ok, '成功', { msgid: 7, sendStatus: '0' })).toEqual({
      status: 200,
      body: {
        rtCode: '0000',
        rtMsg: '成功',
        msgid: 7,
        sendStatus: '0',
        resHead: {},
        resBody: { rtCode: '0000', rtMsg: '成功', msgid: 7, sendStatus: '0' },
      },
    });
    expect(envelope(RtCode.badSignature, 'x')).toEqual({
      rtCode: '2003',
      rtMsg: 'x',
      resHead: {},
      resBody: { rtCode: '2003', rtMsg: 'x' },
    });
  });

  test('when the codes are listed, then each is four digits and unique', () => {
    const codes = Object.values(RtCode);
    for (const c of codes) expect(c).toMatch(/^\d{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('seed 003 notification rendering', () => {
  const delivery = (over: Partial<Delivery> = {}): Delivery => ({
    id: 'd1',
    eventId: 'seed003-abc',
    eventType: 'robot.qrcode',
    format: 'seed003-notify',
    target: 'seed003:CH01',
    url: 'http://127.0.0.1:9/notify',
    body: BODY,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: new Date(0),
    deadline: new Date(0),
    createdAt: new Date(0),
    ...over,
  });
  const ctx = { nowSec: 0, timeouts: { nativeMs: 1, callbackMs: 2 } };
  // The channels configured now (the key is held by the renderer, not by the delivery).
  const configured = notifyFormat(new Map([['CH01', { key: KEY }]]));
  const render = (d: Delivery) => configured.render(d, ctx);

  test("when a notification is rendered, then it is the stored body POSTed with the channel key's MD5 signature", () => {
    expect(render(delivery())).toEqual({
      url: 'http://127.0.0.1:9/notify',
      method: 'POST',
      headers: expect.objectContaining({
        'Content-Type': 'application/json',
        'X-Ecaspsplus-Signature': MD5_BODY_KEY,
        'X-Ecaspsplus-SignatureType': 'MD5',
        'X-Qunbot-Event-Id': 'seed003-abc',
      }),
      body: BODY,
      timeoutMs: 2,
    });
  });

  test('when the channel is no longer configured or the URL is missing, then the delivery is dropped with a reason', () => {
    expect(render(delivery({ target: 'seed003:GONE' }))).toEqual({ drop: 'seed003 channel no longer configured' });
    expect(notifyFormat(new Map()).render(delivery(), ctx)).toEqual({
      drop: 'seed003 channel no longer configured',
    });
    expect(render(delivery({ url: undefined }))).toEqual({ drop: 'no url' });
  });
});

describe('seed 003 config', () => {
  const env = { NODE_ENV: 'development' } as NodeJS.ProcessEnv;
  const SECRET = 'S3CR3T-key-must-not-leak-0123';

  test('when nothing is set, then seed 003 is off with a 300 s window and no channels', () => {
    expect(loadConfig(env).compat.seed003).toEqual({ enabled: false, txtimeWindowSec: 300, channels: [] });
  });

  test('when SEED003_* are set, then the channels are read from JSON and the owner defaults to seed003:<chid>', () => {
    const c = loadConfig({
      ...env,
      SEED003_ENABLED: 'true',
      SEED003_TXTIME_WINDOW_SEC: '120',
      SEED003_CHANNELS: JSON.stringify([
        { chid: 'CH01', key: SECRET, notifyUrl: 'https://biz.example.com/wxrc' },
        { chid: 'CH02', key: SECRET, owner: 'team-b' },
      ]),
    });
    expect(c.compat.seed003).toEqual({
      enabled: true,
      txtimeWindowSec: 120,
      channels: [
        { chid: 'CH01', key: SECRET, notifyUrl: 'https://biz.example.com/wxrc', owner: 'seed003:CH01' },
        { chid: 'CH02', key: SECRET, owner: 'team-b' },
      ],
    });
  });

  test.each([
    ['not JSON', `{${SECRET}`, 'compat.seed003.channels (from SEED003_CHANNELS): must be a JSON array'],
    [
      'a short key',
      JSON.stringify([{ chid: 'CH01', key: 'short' }]),
      'compat.seed003.channels.0.key: must be at least 16 characters',
    ],
    [
      'a bad notifyUrl',
      JSON.stringify([{ chid: 'CH01', key: SECRET, notifyUrl: `ftp://${SECRET}` }]),
      'compat.seed003.channels.0.notifyUrl',
    ],
    [
      'a chid twice',
      JSON.stringify([
        { chid: 'CH01', key: SECRET },
        { chid: 'CH01', key: SECRET },
      ]),
      'each chid may appear once',
    ],
    ['an unknown field', JSON.stringify([{ chid: 'CH01', key: SECRET, keys: SECRET }]), 'Unrecognized key'],
  ])(
    'when SEED003_CHANNELS has %s, then start-up stops naming the key but never the secret',
    (_what, value, expected) => {
      let message = '';
      try {
        loadConfig({ ...env, SEED003_CHANNELS: value });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toContain(expected);
      expect(message).not.toContain(SECRET);
    },
  );

  test('when seed 003 is enabled without channels, then start-up stops', () => {
    expect(() => loadConfig({ ...env, SEED003_ENABLED: '1' })).toThrow(
      /compat\.seed003\.channels: SEED003_CHANNELS must name at least one channel/,
    );
  });

  test('when a config file holds the channels, then start-up refuses them (they hold keys)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qb-config-'));
    try {
      fs.copyFileSync(path.join(__dirname, '../../../config/default.json'), path.join(dir, 'default.json'));
      fs.writeFileSync(path.join(dir, 'development.json'), JSON.stringify({ compat: { seed003: { channels: '[]' } } }));
      expect(() => loadConfig(env, dir)).toThrow(
        /compat\.seed003\.channels is a secret; set it only through SEED003_CHANNELS/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('seed 003 room choice by topic', () => {
  const a = { id: 'id-a', puppetId: 'a@chatroom' };
  const b = { id: 'id-b', puppetId: 'b@chatroom' };
  test.each([
    ['no topic', { roomTopic: undefined }, [a], { none: 'no_topic' }],
    ['no room with the topic', { roomTopic: 'x' }, [], { none: 'no_room' }],
    ['one room', { roomTopic: 'x' }, [a], { room: a }],
    ['two rooms', { roomTopic: 'x' }, [a, b], { ambiguous: 2 }],
    ['two rooms, one chosen by WeChat id', { roomTopic: 'x', roomId: 'b@chatroom' }, [a, b], { room: b }],
    ['two rooms, one chosen by qunbot id', { roomTopic: 'x', roomId: 'id-a' }, [a, b], { room: a }],
    ['a roomId that is none of them', { roomTopic: 'x', roomId: 'c@chatroom' }, [a, b], { none: 'no_room' }],
  ])('when %s, then the choice is right', (_case, plan, rooms, want) => {
    expect(chooseRoom(plan, rooms)).toEqual(want);
  });
});

describe('seed 003 sendStatus of a send', () => {
  test.each([
    [undefined, '0'],
    [{ status: 'queued' }, '0'],
    [{ status: 'sending' }, '0'],
    [{ status: 'sent' }, '1'],
    [{ status: 'failed' }, '3'],
    [{ status: 'room_not_found' }, '3'],
    [{ status: 'unknown' }, '3'],
  ] as const)('when the send is %j, then sendStatus %s', (record, status) => {
    expect(sendStatusOf(record)).toBe(status);
  });
});

describe('seed 003 send answered "0" (still queued)', () => {
  test('when the send settles after the answer, then the channel with a notifyUrl is told its msgid and final sendStatus', async () => {
    let settle!: (r: SendRecord) => void;
    const settled = new Promise<SendRecord>((resolve) => (settle = resolve));
    const told: unknown[] = [];
    let toldNow: () => void = () => undefined;
    const notified = new Promise<void>((resolve) => (toldNow = resolve));
    const room = { id: '6740d0000000000000000041', puppetId: 'r@chatroom', topic: 'T' };
    const deps = {
      runtime: {
        manager: {
          statusOf: async () => 'logged_in',
          send: async () => ({ record: { id: 'send-1', status: 'queued' }, settled }),
        },
        rooms: { listByTopic: async () => [room] },
        clock: new FakeClock(0),
        sendLog: { get: async () => null },
      },
      bindings: { find: async () => 'robot-1', ensure: async () => 'robot-1' },
      msgIds: { next: async () => 7 },
      notifier: {
        toChannel: async (...args: unknown[]) => {
          told.push(args.slice(3));
          toldNow();
        },
      },
      sendWaitMs: 0,
    } as unknown as InterfaceDeps;
    const channel = { chid: 'CH01', key: 'k'.repeat(16), owner: 'o', notifyUrl: 'https://biz.example.com/n' };
    const iface = roomSendInterfaces(deps).roomSendText;
    const plan = iface.parse({ text: 'hello', roomTopic: 'T' });
    const outcome = await iface.act({ channel, head: { botcode: 'bot-a' } as ReqHead, plan });
    expect(outcome.answer.body).toMatchObject({ msgid: 7, sendStatus: '0' });
    expect(told).toEqual([]);
    settle({ id: 'send-1', status: 'sent' } as SendRecord);
    await notified;
    expect(told).toEqual([[{ event: 'sendResult', msgid: 7, sendStatus: '1' }, 'SRsend-1']]);
  });
});
