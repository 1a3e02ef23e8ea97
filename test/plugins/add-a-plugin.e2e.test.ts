import { z } from 'zod';
import { visibleRoom } from '../../src/http/access';
import { idParam } from '../../src/http/schemas';
import { installPlugins, pluginRegistry } from '../../src/plugins';
import { definePlugin } from '../../src/plugins/plugin-package';
import { apiHarness } from '../support/api';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../support/runtime';

const t = useTestDatabase(__filename);

/**
 * The README's "Adding a plugin", followed to the letter with a throwaway fifth plugin: one
 * `definePlugin` (what would be `src/plugins/echo/echo.plugin.ts`), one registry line, and the
 * config keys `bot.plugins` / `bot.pluginSettings.echo`. Nothing else of qunbot changes.
 */
const echoPlugin = definePlugin({
  name: 'echo',
  events: ['message'],
  scope: 'rooms',
  description: 'Says back what follows the prefix in a room',
  parseConfig: (raw) =>
    z
      .object({ prefix: z.string().min(1).default('echo') })
      .strict()
      .parse(raw ?? {}),
  // Its narrow dependencies, built once and shared by the stage and the endpoints.
  services: ({ clock }) => ({ clock, echoes: new Map<string, number>() }),
  endpoints(api, deps) {
    api.add({
      method: 'get',
      path: '/rooms/:id/echoes',
      tag: 'echo',
      permission: 'rooms.read',
      summary: 'How often the robot echoed in the room',
      params: idParam,
      response: z.object({ roomId: z.string(), echoes: z.number().int() }),
      handle: async ({ params, principal }) => {
        const { room } = await visibleRoom(deps, principal, params.id);
        return { roomId: room.id, echoes: deps.services.echoes.get(room.id) ?? 0 };
      },
    });
  },
  create({ config, services }) {
    const prefix = `${config.prefix} `;
    return {
      handle(ctx, next) {
        // Typed by the declaration: a message event (`text`) in a room that is always there.
        if (!ctx.event.text.startsWith(prefix)) return next();
        services.echoes.set(ctx.room.id, (services.echoes.get(ctx.room.id) ?? 0) + 1);
        return ctx.reply(ctx.event.text.slice(prefix.length)).then(() => undefined);
      },
    };
  },
});

describe('adding a plugin as the README says', () => {
  let svc: MockService;
  let rooms: ReturnType<typeof createRooms>;
  const OWNER = 'owner-echo';

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    rooms = createRooms(svc, 1, 2, () => '回声群');
  });
  afterAll(() => svc.stop());

  test('when a fifth plugin is registered and named in config, then it answers in rooms and serves its endpoint', async () => {
    // The registry line: the shipped plugins plus the new one.
    const registry = [...pluginRegistry, echoPlugin] as const;
    const config = testRuntimeConfig();
    config.bot = {
      ...config.bot,
      plugins: [...config.bot.plugins, 'echo'],
      pluginSettings: { ...config.bot.pluginSettings, echo: { prefix: '复读' } },
    };
    const runtime = testRuntime(t.db, { config });
    const plugins = installPlugins({ db: t.db.connection, clock: runtime.clock, timeZone: config.timeZone }, registry);
    const stages = plugins.stages(config.bot.plugins, { log: silentLog, settings: config.bot.pluginSettings });
    expect(stages.map((s) => s.name)).toEqual(['welcome', 'mention-capture', 'sign-in', 'keyword-reply', 'echo']);
    const running = testRuntime(t.db, { config, stages });
    try {
      const robot = await running.manager.create({
        name: 'echo robot',
        owner: OWNER,
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      });
      const synced = nextEvent(running.manager, 'rooms-synced', (e) => e.robotId === robot.id);
      await running.manager.start(robot.id);
      svc.mocker.login(svc.user);
      await synced;

      const { room, people } = rooms[0];
      const before = svc.puppet.received.length;
      const got = svc.puppet.receivedCount(before + 1);
      people[0].say('复读 你好').to(room);
      expect((await got)[before]).toMatchObject({ conversationId: room.id, text: '你好' });

      const h = await apiHarness(t.db, { runtime: running, deps: { pluginEndpoints: plugins.endpoints } });
      const record = (await running.rooms.list(robot.id)).find((r) => r.puppetId === room.id)!;
      const own = await h.owner(OWNER);
      const answer = await own.get(`/api/v1/rooms/${record.id}/echoes`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ roomId: record.id, echoes: 1 });
      expect((await (await h.owner('someone-else')).get(`/api/v1/rooms/${record.id}/echoes`)).status).toBe(404);
      const doc = (await h.admin.get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toContain('/api/v1/rooms/{id}/echoes');
    } finally {
      await running.manager.shutdown();
      await Promise.all(stages.map((s) => s.dispose?.()));
    }
  });

  test('when a plugin is named in config but not registered, then start-up fails naming it', () => {
    const plugins = installPlugins({ db: t.db.connection, clock: { now: Date.now } as never, timeZone: 'UTC' });
    expect(() => plugins.stages(['welcome', 'echo'], { log: silentLog })).toThrow(/unknown plugin "echo"/);
  });
});
