import { installPlugins, pluginRegistry } from '../../src/plugins';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { testPlugins } from '../support/runtime';

const t = useTestDatabase(__filename);

describe('plugin registry', () => {
  test('when the four plugins are named, then stages come in the configured order with their events and scope', () => {
    const stages = testPlugins(t.db).stages(['keyword-reply', 'welcome', 'sign-in', 'mention-capture'], {
      log: silentLog,
    });
    expect(stages.map((s) => [s.name, [...s.events], s.roomsOnly])).toEqual([
      ['keyword-reply', ['message'], true],
      ['welcome', ['room-join', 'message'], true],
      ['sign-in', ['message'], true],
      ['mention-capture', ['message'], true],
    ]);
    return Promise.all(stages.map((s) => s.dispose?.()));
  });

  test('every registered plugin has a kebab-case name, a description and its own services', () => {
    const installed = testPlugins(t.db);
    for (const p of pluginRegistry) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.description.length).toBeGreaterThan(10);
      expect(installed.services[p.name]).toBeDefined();
    }
    expect(pluginRegistry.map((p) => p.name).sort()).toEqual([
      'keyword-reply',
      'mention-capture',
      'sign-in',
      'welcome',
    ]);
  });

  test('when an unknown plugin is named, then start-up fails naming it and the known ones', () => {
    expect(() => testPlugins(t.db).stages(['welcome', 'weather'], { log: silentLog })).toThrow(
      /unknown plugin "weather".*known: welcome, mention-capture, sign-in, keyword-reply/,
    );
  });

  test('when a plugin setting is invalid, then start-up fails naming the plugin and the key', () => {
    const plugins = testPlugins(t.db);
    expect(() => plugins.stages(['welcome'], { log: silentLog, settings: { welcome: { windowMs: -5 } } })).toThrow(
      /invalid config for plugin "welcome".*windowMs/s,
    );
    expect(() =>
      plugins.stages(['keyword-reply'], { log: silentLog, settings: { 'keyword-reply': { flushMS: 10 } } }),
    ).toThrow(/keyword-reply.*flushMS/s);
  });

  test('when a registry is empty, then every name is unknown', () => {
    const none = installPlugins({ db: t.db.connection, clock: { now: Date.now } as never, timeZone: 'UTC' }, []);
    expect(() => none.stages(['welcome'], { log: silentLog })).toThrow(/unknown plugin "welcome".*known: \(none\)/);
  });
});
