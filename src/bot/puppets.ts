import path from 'node:path';
import type { impls } from 'wechaty-puppet';
import { PuppetService } from 'wechaty-puppet-service';
import { PuppetWechat4u } from 'wechaty-puppet-wechat4u';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { PuppetSettings } from './robot.service';

/** A Wechaty puppet, whichever kind. */
export type Puppet = impls.PuppetInterface;

/** Builds a puppet from a robot's settings; `mock` robots get `mockSetup` to drive their mocker. */
export type PuppetFactory = (settings: PuppetSettings, robot: { id: string; cacheDir: string }) => Puppet;

/** Options of the puppet factory. */
export interface PuppetFactoryOptions {
  /** Called with each new mock robot's mocker (src/main.ts plays the demo world of src/demo/ there). */
  mockSetup?: (mocker: mock.Mocker, robotId: string) => void;
  /**
   * Seconds without any event on a puppet-service stream after which the client's watchdog resets
   * it (wechaty-puppet's default: 60; a real service sends heartbeats well inside that). Tests
   * shorten it to see a reset without waiting a minute.
   */
  serviceWatchdogSec?: number;
}

/** The factory of every puppet kind qunbot supports (puppet-service caches kept in the robot's folder). */
export function createPuppetFactory(opts: PuppetFactoryOptions = {}): PuppetFactory {
  return (settings, robot) => {
    switch (settings.kind) {
      case 'service': {
        if (!settings.token)
          throw new Error("a puppet-service robot needs a token (PUPPET_SERVICE_TOKEN or the robot's puppet.token)");
        const puppet = new PuppetService({
          token: settings.token,
          ...(opts.serviceWatchdogSec ? { timeoutSeconds: opts.serviceWatchdogSec } : {}),
          ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
          ...(settings.tlsDisable ? { tls: { disable: true } } : {}),
        });
        // The client keeps a LevelDB payload cache under $HOME/.wechaty by default; keep it in the robot's own folder.
        const store = (puppet as unknown as { _payloadStore?: { storeDir: string } })._payloadStore;
        if (store) store.storeDir = path.join(robot.cacheDir, 'puppet-service');
        return puppet as unknown as Puppet;
      }
      case 'wechat4u':
        return new PuppetWechat4u() as unknown as Puppet;
      case 'mock': {
        const mocker = new mock.Mocker();
        opts.mockSetup?.(mocker, robot.id);
        return new PuppetMock({ mocker }) as unknown as Puppet;
      }
    }
  };
}
