import type { Logger } from '../logger';
import type { PipelineStage } from '../bot/pipeline';
import type { BotPlugin } from '../bot/plugin';
import { keywordReplyPlugin } from './keyword-reply/keyword-reply.plugin';
import { mentionCapturePlugin } from './mention-capture/mention-capture.plugin';
import { signInPlugin } from './sign-in/sign-in.plugin';
import { welcomePlugin } from './welcome/welcome.plugin';

/** Every plugin qunbot ships, by name. Config `bot.plugins` picks and orders them. */
export const pluginRegistry = [
  welcomePlugin,
  mentionCapturePlugin,
  signInPlugin,
  keywordReplyPlugin,
] as unknown as readonly BotPlugin<unknown, unknown>[];

/**
 * Builds the pipeline stages named in config, in that order. An unknown name or a bad plugin
 * config stops start-up with the name in the message.
 */
export function buildStages<S>(
  names: readonly string[],
  deps: {
    services: S;
    log: Logger;
    settings?: Readonly<Record<string, unknown>>;
    registry?: readonly BotPlugin<unknown, S>[];
  },
): PipelineStage[] {
  const registry = deps.registry ?? (pluginRegistry as readonly BotPlugin<unknown, S>[]);
  return names.map((name) => {
    const plugin = registry.find((p) => p.name === name);
    if (!plugin)
      throw new Error(
        `unknown plugin "${name}" in bot.plugins; known: ${registry.map((p) => p.name).join(', ') || '(none)'}`,
      );
    let config: unknown;
    try {
      config = plugin.parseConfig(deps.settings?.[name]);
    } catch (err) {
      throw new Error(`invalid config for plugin "${name}": ${(err as Error).message}`);
    }
    const instance = plugin.create({ config, services: deps.services, log: deps.log.child({ plugin: name }) });
    return {
      name,
      events: plugin.events,
      handle: instance.handle,
      ...(instance.dispose ? { dispose: () => instance.dispose!() } : {}),
    };
  });
}
