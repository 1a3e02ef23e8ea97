import type { PublishInput } from '../../src/webhooks/events';
import { toWebhook, wentOffline, type PersonLike } from '../../src/webhooks/runtime-events';

const who = (id: string, name = ''): PersonLike => ({ id, name: () => name });
const at = new Date('2026-01-02T03:04:05.000Z');
const AT = '2026-01-02T03:04:05.000Z';
const room = { id: 'room-1', topic: '福利群 AG1234' };

describe('runtime events as webhook events', () => {
  test.each<[string, () => PublishInput, PublishInput]>([
    [
      'a QR code of an owned robot',
      () => toWebhook.qrcode({ robotId: 'r1', qr: { payload: 'https://qr/1', expiresAt: at } }, { owner: 'alice' }),
      { type: 'robot.qrcode', owner: 'alice', payload: { robotId: 'r1', qrcode: 'https://qr/1', expiresAt: AT } },
    ],
    [
      'a QR code of a robot without owner (deleted meanwhile)',
      () => toWebhook.qrcode({ robotId: 'r1', qr: { payload: 'q', expiresAt: at } }, {}),
      { type: 'robot.qrcode', payload: { robotId: 'r1', qrcode: 'q', expiresAt: AT } },
    ],
    [
      'a login',
      () => toWebhook.login({ robotId: 'r1', wxId: 'wx1', wxName: 'Bot' }, { owner: 'alice' }),
      { type: 'robot.login', owner: 'alice', payload: { robotId: 'r1', wxId: 'wx1', wxName: 'Bot' } },
    ],
    [
      'a logout',
      () => toWebhook.logout({ robotId: 'r1' }, { owner: 'alice' }),
      { type: 'robot.logout', owner: 'alice', payload: { robotId: 'r1' } },
    ],
    [
      'going offline with a reason',
      () =>
        toWebhook.offline({ robotId: 'r1', status: 'offline', prev: 'logged_in', reason: 'network' }, { owner: 'a' }),
      { type: 'robot.offline', owner: 'a', payload: { robotId: 'r1', previous: 'logged_in', reason: 'network' } },
    ],
    [
      'going offline with a reason and the next retry time',
      () =>
        toWebhook.offline(
          {
            robotId: 'r1',
            status: 'offline',
            prev: 'starting',
            reason: 'ENOTFOUND',
            retryAt: new Date(Date.UTC(2026, 0, 1)),
          },
          {},
        ),
      {
        type: 'robot.offline',
        payload: { robotId: 'r1', previous: 'starting', reason: 'ENOTFOUND', retryAt: '2026-01-01T00:00:00.000Z' },
      },
    ],
    [
      'going offline without a reason',
      () => toWebhook.offline({ robotId: 'r1', status: 'offline', prev: 'starting' }, {}),
      { type: 'robot.offline', payload: { robotId: 'r1', previous: 'starting' } },
    ],
    [
      'people joining a known room, invited',
      () =>
        toWebhook.roomJoin(
          'r1',
          { id: 'ev-1', at, invitees: [who('u1', 'Ann'), who('u2')], inviter: who('u0', 'Owner') },
          { owner: 'alice', room },
        ),
      {
        type: 'room.join',
        id: 'ev-1',
        owner: 'alice',
        payload: {
          robotId: 'r1',
          roomId: 'room-1',
          roomTopic: '福利群 AG1234',
          invitees: [{ id: 'u1', name: 'Ann' }, { id: 'u2' }],
          inviter: { id: 'u0', name: 'Owner' },
          at: AT,
        },
      },
    ],
    [
      'people joining a room not cached yet, nobody named as inviter',
      () => toWebhook.roomJoin('r1', { id: 'ev-2', at, invitees: [who('u1')] }, {}),
      { type: 'room.join', id: 'ev-2', payload: { robotId: 'r1', invitees: [{ id: 'u1' }], at: AT } },
    ],
    [
      'a message in a room without topic',
      () =>
        toWebhook.message(
          'r1',
          { id: 'ev-3', at, message: { id: 'm1' }, talker: who('u1', 'Ann'), text: 'hi' },
          { owner: 'alice', room: { id: 'room-2', topic: '' } },
        ),
      {
        type: 'message.received',
        id: 'ev-3',
        owner: 'alice',
        payload: {
          robotId: 'r1',
          messageId: 'm1',
          roomId: 'room-2',
          talker: { id: 'u1', name: 'Ann' },
          text: 'hi',
          at: AT,
        },
      },
    ],
    [
      'a direct message (no room), talker without a name',
      () => toWebhook.message('r1', { id: 'ev-4', at, message: { id: 'm2' }, talker: who('u9'), text: 'yo' }, {}),
      {
        type: 'message.received',
        id: 'ev-4',
        payload: { robotId: 'r1', messageId: 'm2', talker: { id: 'u9' }, text: 'yo', at: AT },
      },
    ],
    [
      'a captured mention with context',
      () =>
        toWebhook.mention({
          id: 'men-1',
          owner: 'alice',
          robotId: 'r1',
          roomId: 'room-1',
          roomTopic: 'Topic',
          messageId: 'm3',
          talkerId: 'u1',
          talkerName: 'Ann',
          text: '@Bot help',
          at,
          before: [
            { talkerId: 'u2', talkerName: 'Bo', text: 'before', at },
            { talkerId: 'u3', text: 'earlier', at },
          ],
        }),
      {
        type: 'message.mention',
        id: 'mention-men-1',
        owner: 'alice',
        payload: {
          mentionId: 'men-1',
          robotId: 'r1',
          roomId: 'room-1',
          roomTopic: 'Topic',
          messageId: 'm3',
          talker: { id: 'u1', name: 'Ann' },
          text: '@Bot help',
          at: AT,
          before: [
            { talker: { id: 'u2', name: 'Bo' }, text: 'before', at: AT },
            { talker: { id: 'u3' }, text: 'earlier', at: AT },
          ],
        },
      },
    ],
    [
      'a captured mention without topic, talker name or context',
      () =>
        toWebhook.mention({
          id: 'men-2',
          owner: 'bob',
          robotId: 'r2',
          roomId: 'room-9',
          messageId: 'm4',
          talkerId: 'u4',
          text: '@Bot',
          at,
          before: [],
        }),
      {
        type: 'message.mention',
        id: 'mention-men-2',
        owner: 'bob',
        payload: {
          mentionId: 'men-2',
          robotId: 'r2',
          roomId: 'room-9',
          messageId: 'm4',
          talker: { id: 'u4' },
          text: '@Bot',
          at: AT,
          before: [],
        },
      },
    ],
  ])('when the runtime reports %s, then the webhook event is as listed', (_, map, want) => {
    expect(map()).toEqual(want);
  });

  test.each([
    ['logged_in', 'offline', true],
    ['starting', 'offline', true],
    ['offline', 'offline', false],
    ['logged_in', 'waiting_for_scan', false],
    ['offline', 'starting', false],
  ])('when the status goes from %s to %s, then going offline is announced: %p', (prev, status, want) => {
    expect(wentOffline({ robotId: 'r1', prev, status })).toBe(want);
  });

  test.each([
    ['an owner', { owner: 'alice' }, { owner: 'alice' }],
    ['no owner', {}, {}],
  ])(
    'when a robot with %s has a callback URL, then the login callback is a GET in the login-callback format with the event id',
    (_, facts, owned) => {
      expect(toWebhook.loginCallback({ robotId: 'r1' }, 'ev-9', 'http://cb.example/done?k=1', facts)).toEqual({
        format: 'login-callback',
        eventId: 'ev-9',
        eventType: 'robot.login',
        robotId: 'r1',
        url: 'http://cb.example/done?k=1',
        ...owned,
      });
    },
  );
});
