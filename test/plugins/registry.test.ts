import { buildStages, pluginRegistry } from '../../src/plugins';
import { createPluginServices } from '../../src/plugins/services';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

describe('plugin registry', () => {
  const services = () => ({ ...createPluginServices(t.db.connection, { timeZone: 'Asia/Shanghai' }) }) as never;

  test('when the four plugins are named, then stages come in the configured order with their events', () => {
    const stages = buildStages(['keyword-reply', 'welcome', 'sign-in', 'mention-capture'], {
      services: services(),
      log: silentLog,
    });
    expect(stages.map((s) => [s.name, [...s.events]])).toEqual([
      ['keyword-reply', ['message']],
      ['welcome', ['room-join', 'message']],
      ['sign-in', ['message']],
      ['mention-capture', ['message']],
    ]);
    return Promise.all(stages.map((s) => s.dispose?.()));
  });

  test('every registered plugin has a kebab-case name and a description', () => {
    for (const p of pluginRegistry) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.description.length).toBeGreaterThan(10);
    }
    expect(pluginRegistry.map((p) => p.name).sort()).toEqual([
      'keyword-reply',
      'mention-capture',
      'sign-in',
      'welcome',
    ]);
  });

  test('when an unknown plugin is named, then start-up fails naming it and the known ones', () => {
    expect(() => buildStages(['welcome', 'weather'], { services: services(), log: silentLog })).toThrow(
      /unknown plugin "weather".*known: welcome, mention-capture, sign-in, keyword-reply/,
    );
  });

  test('when a plugin setting is invalid, then start-up fails naming the plugin and the key', () => {
    expect(() =>
      buildStages(['welcome'], { services: services(), log: silentLog, settings: { welcome: { windowMs: -5 } } }),
    ).toThrow(/invalid config for plugin "welcome".*windowMs/s);
    expect(() =>
      buildStages(['keyword-reply'], {
        services: services(),
        log: silentLog,
        settings: { 'keyword-reply': { flushMS: 10 } },
      }),
    ).toThrow(/keyword-reply.*flushMS/s);
  });
});
