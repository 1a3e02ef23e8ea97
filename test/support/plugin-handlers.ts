import type { BotEventKind, PluginInstance, PluginScope } from '../../src/bot/plugin';
import type { Database } from '../../src/db/connection';
import type { PluginServices } from '../../src/plugins';
import type { PluginPackage } from '../../src/plugins/plugin-package';
import { FakeClock } from './fake-clock';
import { silentLog } from './logger';
import { testPlugins } from './runtime';

/**
 * For a test file that drives one plugin's handler with a fake context (`plugin-context.ts`):
 * a fake clock starting at 2026-11-22T01:00:00Z, the shipped plugins' services built over the
 * file's database in beforeAll, and `make`, which creates a plugin's instance over those services.
 * Every instance made is disposed in afterAll. Call it inside the file's describe, after
 * `useTestDatabase(__filename)`.
 */
export function useHandlerFixture(t: { readonly db: Database }) {
  const clock = new FakeClock(Date.parse('2026-11-22T01:00:00Z'));
  let installed: ReturnType<typeof testPlugins> | undefined;
  const instances: PluginInstance[] = [];

  beforeAll(() => {
    installed = testPlugins(t.db, clock);
  });
  afterAll(async () => {
    for (const i of instances) await i.dispose?.();
  });

  /** The plugins' services by plugin name, read inside tests (built in beforeAll). */
  const plugins = {
    get services(): PluginServices {
      if (!installed) throw new Error('plugin services used outside a test');
      return installed.services;
    },
  };

  /** The plugin's instance over the shared services, its handler taking any context (the test's fakes). */
  function make<C, D, K extends BotEventKind, S extends PluginScope>(
    plugin: PluginPackage<keyof PluginServices, C, D, K, S>,
    raw: unknown = {},
  ): PluginInstance {
    const services = plugins.services[plugin.name] as D;
    const inst = plugin.create({
      config: plugin.parseConfig(raw),
      services,
      log: silentLog,
    }) as unknown as PluginInstance;
    instances.push(inst);
    return inst;
  }

  return { clock, plugins, make };
}
