import { developerCallback } from '../../../src/api/compat/seed001/developer-callback';
import http from 'node:http';
import { types } from 'wechaty-puppet';
import { callbackContent } from '../../../src/api/compat/seed001/callback-content';
import type { AddressInfo } from 'node:net';
import {
  DEVELOPER_CALLBACK_FORMAT,
  developerCallbackFormat,
  judgeDeveloperAnswer,
} from '../../../src/api/compat/seed001/developer-callback.format';
import { useTestDatabase } from '../../support/mongo';
import { makeOutbox, nextSettled, webhookConfig } from '../../webhooks/support';
import type { Delivery } from '../../../src/webhooks/delivery.service';

const base: Delivery = {
  id: 'd1',
  eventId: 'e1',
  eventType: 'message.received',
  format: 'seed001-developer',
  target: 'seed001-developer',
  body: '{}',
  status: 'delivering',
  attempts: 1,
  nextAttemptAt: new Date(0),
  deadline: new Date(1),
  createdAt: new Date(0),
};
const ctx = { nowSec: 1_700_000_000, timeouts: { nativeMs: 1000, callbackMs: 2000 } };
const tokens = { tokenFor: (owner: string) => `token-of-${owner}`, defaultToken: 'tok' };
const toDefault = { url: 'http://dev.example/cb' };

describe('seed 001 developer callback', () => {
  test('when a seed 001 developer callback is rendered, then the token is added at send time, first, unsigned', () => {
    const stored = JSON.stringify({
      action: 'send_message',
      data: { content: 'hi', robot_id: 'r', room_id: 'm', nickname: 'n' },
    });
    const r = developerCallbackFormat(tokens).render({ ...base, url: 'http://dev.example/cb', body: stored }, ctx);
    if ('then' in r || 'drop' in r) throw new Error('not rendered');
    expect(JSON.parse(r.body as string)).toEqual({
      token: 'tok',
      action: 'send_message',
      data: { content: 'hi', robot_id: 'r', room_id: 'm', nickname: 'n' },
    });
    expect(Object.keys(JSON.parse(r.body as string))[0]).toBe('token');
    expect(r.headers['X-Qunbot-Signature']).toBeUndefined();
    expect(r).toMatchObject({ url: 'http://dev.example/cb', method: 'POST', timeoutMs: 2000 });
    expect(r.headers['Content-Type']).toBe('application/json');
  });

  test("when a delivery to an owner's own callback is rendered, then it carries that owner's token, not the default", () => {
    const r = developerCallbackFormat(tokens).render({ ...base, url: 'http://dev.example/cb', owner: 'acme' }, ctx);
    if ('then' in r || 'drop' in r) throw new Error('not rendered');
    expect(JSON.parse(r.body as string)).toEqual({ token: 'token-of-acme' });
  });

  test('when no default token is configured or the URL is missing, then the token is empty or the delivery dropped', () => {
    const r = developerCallbackFormat({ tokenFor: tokens.tokenFor }).render(
      { ...base, url: 'http://dev.example/cb' },
      ctx,
    );
    if ('then' in r || 'drop' in r) throw new Error('not rendered');
    expect(JSON.parse(r.body as string)).toEqual({ token: '' });
    expect(developerCallbackFormat(tokens).render({ ...base, url: undefined }, ctx)).toEqual({ drop: 'no url' });
  });

  const message = (name: string) => ({ id: 'ev-1', text: 'hello', talker: { name: () => name } });
  test.each([
    ['a bound room, named talker', { id: 'room-1', bound: true }, 'Ann', 'Ann'],
    ['a bound room, nameless talker', { id: 'room-1', bound: true }, '', ''],
  ])(
    'when a message arrives in %s, then one callback in the seed shape is queued (no token stored)',
    (_, room, name, nickname) => {
      const cb = developerCallback('r1', message(name), room, toDefault);
      expect(cb).toEqual({
        format: 'seed001-developer',
        eventId: 'ev-1',
        eventType: 'message.received',
        robotId: 'r1',
        url: 'http://dev.example/cb',
        body: JSON.stringify({
          action: 'send_message',
          data: { content: 'hello', robot_id: 'r1', room_id: 'room-1', nickname },
        }),
      });
    },
  );

  test("when the target is an owner's own callback, then the delivery carries the owner (listed to them, their token)", () => {
    const cb = developerCallback(
      'r1',
      message('Ann'),
      { id: 'room-1', bound: true },
      { url: 'http://own.example/cb', owner: 'acme' },
    );
    expect(cb).toMatchObject({ url: 'http://own.example/cb', owner: 'acme', format: 'seed001-developer' });
  });

  test.each([
    ['an unbound room', { id: 'room-2', bound: false }],
    ['no known room (a direct message)', undefined],
  ])('when a message arrives in %s, then no developer callback is made', (_, room) => {
    expect(developerCallback('r1', message('Ann'), room, toDefault)).toBeNull();
  });
});

describe("seed 001 developer's answer (retCode)", () => {
  test.each([
    [200, '{"retCode":0,"errorMsg":""}', 'delivered'],
    [200, '{"retCode":"0"}', 'delivered'],
    [200, '{"retCode":1,"errorMsg":"busy"}', 'retry'],
    [200, '{"retCode":-1}', 'retry'],
    [200, 'ok', 'delivered'],
    [200, '{}', 'delivered'],
    [200, undefined, 'delivered'],
    [500, '{"retCode":0}', 'retry'],
    [404, '', 'reject'],
    [429, '', 'retry'],
  ] as const)('when the developer answers %i %j, then the delivery is %s', (status, body, verdict) => {
    expect(judgeDeveloperAnswer(status, body)).toBe(verdict);
  });
});

describe('seed 001 developer callback through the outbox', () => {
  const t = useTestDatabase(__filename);

  test('when the developer answers retCode 1 and then 0, then the callback is sent again and ends delivered', async () => {
    const answers = ['{"retCode":1,"errorMsg":"try later"}', '{"retCode":0,"errorMsg":""}'];
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.setHeader('Content-Type', 'application/json');
        res.end(answers.shift() ?? '{"retCode":0}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
    const outbox = makeOutbox(t.db, webhookConfig());
    outbox.formats.register(
      DEVELOPER_CALLBACK_FORMAT,
      developerCallbackFormat({ tokenFor: tokens.tokenFor, defaultToken: 'dev-token' }),
    );
    outbox.start();
    try {
      const delivered = nextSettled(outbox, (s) => s.outcome === 'delivered');
      const input = developerCallback('robot-1', { id: 'msg-1', text: '你好' }, { id: 'room-1', bound: true }, { url });
      await outbox.enqueue(input!);
      await delivered;
      expect(bodies).toHaveLength(2);
      expect(JSON.parse(bodies[1] as string)).toMatchObject({ token: 'dev-token', action: 'send_message' });
    } finally {
      await outbox.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('seed 001 developer callback content of non-text messages', () => {
  const T = types.Message;
  test.each([
    [undefined, '你好', '你好'],
    [T.Text, '你好', '你好'],
    [T.Image, '<img …>', '[图片]'],
    [T.Emoticon, '', '[表情]'],
    [T.Audio, '', '[语音]'],
    [T.Video, '', '[视频]'],
    [T.Attachment, '报价单.xlsx', '[文件] 报价单.xlsx'],
    [T.Url, '本周优惠', '[链接] 本周优惠'],
    [T.MiniProgram, '', '[小程序]'],
    [T.Recalled, '', '[撤回了一条消息]'],
    [T.Unknown, 'something', 'something'],
  ])('when the message type is %p with text %j, then the content is %j', (type, text, content) => {
    expect(callbackContent(type, text)).toBe(content);
  });

  test('when an image message of a bound room is called back, then its content is the placeholder', () => {
    const input = developerCallback(
      'robot-1',
      { id: 'm1', text: '', message: { type: () => T.Image } },
      { id: 'room-1', bound: true },
      { url: 'https://dev.example.com/cb' },
    );
    expect(JSON.parse(input!.body as string)).toMatchObject({ data: { content: '[图片]', room_id: 'room-1' } });
  });
});
