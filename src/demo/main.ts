import QRCode from 'qrcode';
import { describeContent } from '../bot/content';
import { start } from '../main';

/**
 * `npm run demo`: qunbot with one mock robot in a simulated WeChat (src/demo/mock-environment.ts):
 * a login QR code, a login, rooms with members chatting and joining, all through the real runtime.
 */
async function demo(): Promise<void> {
  const env = { LOG_PRETTY: '1', DATA_DIR: 'data/demo', ...process.env };
  const { runtime, plugins, url, stop } = await start(env);
  const { keywords } = plugins['keyword-reply'];
  const { signIn } = plugins['sign-in'];
  const { mentions } = plugins['mention-capture'];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const { manager, robots } = runtime;

  manager.on('qrcode', ({ qr }) => {
    void QRCode.toString(qr.payload, { type: 'terminal', small: true }).then((art) =>
      out(`\nScan to log in (simulated, logs in by itself):\n${art}`),
    );
  });
  manager.on('login', ({ wxName }) => out(`>> logged in as ${wxName}`));
  manager.on('rooms-synced', ({ result }) =>
    out(`>> rooms: ${result.rooms.map((r) => `${r.topic} (${r.memberCount})`).join(', ')}`),
  );
  manager.on('handled', ({ event }) => {
    if (event.kind === 'message')
      out(`   [${event.room ? event.room.payload?.topic : 'direct'}] ${event.talker.name()}: ${event.text}`);
    else if (event.kind === 'room-join')
      out(`   [${event.room.payload?.topic}] joined: ${event.invitees.map((c) => c.name()).join(', ')}`);
    else out(`   [${event.room.payload?.topic}] left: ${event.leavers.map((c) => c.name()).join(', ')}`);
  });

  const existing = (await robots.list({ owner: 'demo' }))[0];
  const robot =
    existing ??
    (await manager.create({ name: 'demo robot', owner: 'demo', agentCode: 'DEMO01', puppet: { kind: 'mock' } }));
  if ((await keywords.list('demo')).length === 0) {
    await keywords.create('demo', {
      keywords: ['优惠'],
      replies: [{ type: 'text', text: '本周优惠：满 100 减 20，详情见群公告' }],
    });
    await keywords.create('demo', {
      keywords: ['ping'],
      mode: 'exact',
      replies: [{ type: 'text', text: 'pong' }],
    });
    await keywords.create('demo', {
      keywords: ['下单', '发货'],
      replies: [{ type: 'text', text: '下单和发货请看置顶消息' }],
      cooldownSec: 60,
    });
    await signIn.defineKeyword('demo', '签到');
  }
  mentions.on('captured', (m) => out(`   ** captured @-mention from ${m.talkerName}: ${m.text}`));
  await mentions.setNotify('demo', true);
  out(`qunbot demo at ${url} (GET /readyz); robot ${robot.id}; Ctrl-C to stop`);
  await manager.start(robot.id);
  manager.outbox(robot.id)?.on('settled', (r) => out(`   << robot (${r.status}): ${describeContent(r.content)}`));

  const shutdown = () => void stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

demo().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});
