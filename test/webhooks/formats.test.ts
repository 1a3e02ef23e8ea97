import type { Delivery } from '../../src/webhooks/delivery.service';
import {
  baseHeaders,
  DeliveryFormats,
  UnknownFormatError,
  type DeliveryFormat,
  type RenderContext,
} from '../../src/webhooks/formats';

const ctx: RenderContext = { nowSec: 1_700_000_000, timeouts: { nativeMs: 1000, callbackMs: 2000 } };

const delivery = (format: string, over: Partial<Delivery> = {}): Delivery => ({
  id: 'd1',
  eventId: 'e1',
  eventType: 'robot.login',
  format,
  target: format,
  url: 'http://cb.example/x',
  body: '{"a":1}',
  status: 'delivering',
  attempts: 1,
  nextAttemptAt: new Date(0),
  deadline: new Date(1),
  createdAt: new Date(0),
  ...over,
});

/** A dialect's format: POSTs the body with a secret header held by the renderer. */
const secretFormat = (secret: string): DeliveryFormat => ({
  render: (d, c) =>
    d.url
      ? {
          url: d.url,
          method: 'POST',
          headers: { ...baseHeaders(d), 'X-Secret': secret },
          body: d.body,
          timeoutMs: c.timeouts.callbackMs,
        }
      : { drop: 'no url' },
});

describe('delivery formats registry', () => {
  const formats = new DeliveryFormats();
  formats.register('plain-get', {
    render: (d, c) => ({
      url: d.url as string,
      method: 'GET',
      headers: baseHeaders(d),
      timeoutMs: c.timeouts.callbackMs,
    }),
  });
  formats.register('dialect-x', secretFormat('s3cr3t'));
  formats.register('async-one', { render: async () => ({ drop: 'decided later' }) });

  test.each([
    [
      'plain-get',
      delivery('plain-get'),
      {
        url: 'http://cb.example/x',
        method: 'GET',
        headers: { 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': 'e1' },
        timeoutMs: 2000,
      },
    ],
    [
      'dialect-x',
      delivery('dialect-x'),
      {
        url: 'http://cb.example/x',
        method: 'POST',
        headers: { 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': 'e1', 'X-Secret': 's3cr3t' },
        body: '{"a":1}',
        timeoutMs: 2000,
      },
    ],
    ['dialect-x', delivery('dialect-x', { url: undefined }), { drop: 'no url' }],
    ['async-one', delivery('async-one'), { drop: 'decided later' }],
    [
      'seed-gone (never registered)',
      delivery('seed-gone'),
      { drop: 'unknown format seed-gone (not registered: its dialect is not enabled)' },
    ],
    ['"" (no format)', delivery(''), { drop: 'unknown format  (not registered: its dialect is not enabled)' }],
  ])('when a delivery in format %s is rendered, then its renderer decides (or it is dropped)', async (_, d, want) => {
    expect(await formats.render(d, ctx)).toEqual(want);
  });

  test('when the formats are listed, then they come in registration order', () => {
    expect(formats.names()).toEqual(['plain-get', 'dialect-x', 'async-one']);
    expect([formats.has('dialect-x'), formats.has('seed-gone')]).toEqual([true, false]);
  });

  test.each([
    ['a name registered before', 'dialect-x', /already registered/],
    ['an empty name', '', /must be kebab-case/],
    ['a name with upper case', 'Seed', /must be kebab-case/],
    ['a name with a colon', 'seed:1', /must be kebab-case/],
  ])('when %s is registered, then registration throws', (_, name, message) => {
    expect(() => formats.register(name, secretFormat('x'))).toThrow(message);
  });

  test.each([
    ['plain-get', false],
    ['dialect-x', false],
    ['seed-gone', true],
  ])('when %s is asserted before queuing, then an unknown format throws UnknownFormatError (%p)', (name, throws) => {
    const check = () => formats.assert(name);
    if (throws) expect(check).toThrow(UnknownFormatError);
    else expect(check).not.toThrow();
  });
});
