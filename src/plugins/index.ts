import type { PipelineStage } from '../bot/pipeline';
import type { Handler } from '../bot/plugin';
import type { EndpointRouter } from '../http/endpoint';
import type { Logger } from '../logger';
import type { PluginDataDeps, PluginEndpointDeps, PluginPackage } from './plugin-package';
import { keywordReplyPlugin } from './keyword-reply/keyword-reply.plugin';
import { mentionCapturePlugin } from './mention-capture/mention-capture.plugin';
import { signInPlugin } from './sign-in/sign-in.plugin';
import { welcomePlugin } from './welcome/welcome.plugin';

/** Every plugin qunbot ships. Config `bot.plugins` picks and orders the ones that run. */
export const pluginRegistry = [welcomePlugin, mentionCapturePlugin, signInPlugin, keywordReplyPlugin] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its types
type AnyPlugin = PluginPackage<string, any, any, any, any>;

/** The dependencies each plugin built, by plugin name (e.g. `services['keyword-reply'].keywords`). */
export type ServicesOf<R extends readonly AnyPlugin[]> = { [P in R[number] as P['name']]: ReturnType<P['services']> };

/** The services of the plugins qunbot ships. */
export type PluginServices = ServicesOf<typeof pluginRegistry>;

/** The plugins of a registry with their dependencies built, ready to give stages and endpoints. */
export interface InstalledPlugins<R extends readonly AnyPlugin[]> {
  services: ServicesOf<R>;
  /**
   * The pipeline stages named in config, in that order. An unknown name or a bad plugin config
   * throws naming the plugin (start-up stops).
   */
  stages(
    names: readonly string[],
    opts: { log: Logger; settings?: Readonly<Record<string, unknown>> },
  ): PipelineStage[];
  /** Adds every plugin's endpoints to the native API. */
  endpoints(api: EndpointRouter, core: Omit<PluginEndpointDeps<unknown>, 'services'>): void;
}

/** Builds each plugin's dependencies once (shared by its stage and its endpoints). */
export function installPlugins(deps: PluginDataDeps): InstalledPlugins<typeof pluginRegistry>;
export function installPlugins<R extends readonly AnyPlugin[]>(deps: PluginDataDeps, registry: R): InstalledPlugins<R>;
export function installPlugins(deps: PluginDataDeps, registry: readonly AnyPlugin[] = pluginRegistry) {
  const services = Object.fromEntries(registry.map((p) => [p.name, p.services(deps)])) as Record<string, unknown>;
  return {
    services,
    stages(names: readonly string[], opts: { log: Logger; settings?: Readonly<Record<string, unknown>> }) {
      return names.map((name) => {
        const plugin = registry.find((p) => p.name === name);
        if (!plugin) {
          const known = registry.map((p) => p.name).join(', ') || '(none)';
          throw new Error(`unknown plugin "${name}" in bot.plugins; known: ${known}`);
        }
        return stageOf(plugin, services[name], opts.log, opts.settings?.[name]);
      });
    },
    endpoints(api: EndpointRouter, core: Omit<PluginEndpointDeps<unknown>, 'services'>) {
      for (const p of registry) p.endpoints?.(api, { ...core, services: services[p.name] });
    },
  };
}

function stageOf(plugin: AnyPlugin, services: unknown, log: Logger, rawConfig: unknown): PipelineStage {
  const { name } = plugin;
  let config: unknown;
  try {
    config = plugin.parseConfig(rawConfig);
  } catch (err) {
    throw new Error(`invalid config for plugin "${name}": ${(err as Error).message}`);
  }
  const instance = plugin.create({ config, services, log: log.child({ plugin: name }) });
  return {
    name,
    events: plugin.events,
    roomsOnly: plugin.scope === 'rooms',
    // The pipeline hands the handler only the kinds and scope it declared (see PipelineStage).
    handle: instance.handle as Handler,
    ...(instance.dispose ? { dispose: () => instance.dispose!() } : {}),
  };
}
