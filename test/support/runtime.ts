import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { loadConfig } from '../../config';
import { systemClock, type Clock } from '../../src/bot/core/clock';
import { installPlugins } from '../../src/plugins';
import type { RuntimeEvents, RobotManager } from '../../src/bot/robot-manager';
import { createRuntime, type Runtime } from '../../src/bot/runtime';
import type { PuppetFactory } from '../../src/bot/puppets';
import type { Database } from '../../src/db/connection';
import type { Logger } from '../../src/logger';
import { silentLog } from './logger';

/** Test config: fast outbox (pacing itself is tested with a fake clock), a temp data folder. */
export function testRuntimeConfig(over: { startTimeoutSec?: number; backoffMs?: number } = {}) {
  const base = loadConfig({ NODE_ENV: 'test' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-test-'));
  return {
    ...base,
    dataDir,
    bot: {
      ...base.bot,
      startTimeoutSec: over.startTimeoutSec ?? base.bot.startTimeoutSec,
      backoff: { ...base.bot.backoff, initialMs: over.backoffMs ?? base.bot.backoff.initialMs },
    },
    outbox: { ...base.outbox, ratePerSec: 1000, burst: 1000, roomGapMs: 0, jitterMs: 0 },
  };
}

export function testRuntime(
  db: Database,
  opts: {
    stages?: Parameters<typeof createRuntime>[0]['stages'];
    config?: ReturnType<typeof testRuntimeConfig>;
    clock?: Clock;
    log?: Logger;
    createPuppet?: PuppetFactory;
  } = {},
): Runtime {
  return createRuntime({
    config: opts.config ?? testRuntimeConfig(),
    connection: db.connection,
    log: opts.log ?? silentLog,
    stages: opts.stages ?? [],
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.createPuppet ? { createPuppet: opts.createPuppet } : {}),
  });
}

/** Resolves with the first `event` from the manager that satisfies `match`. */
export function nextEvent<K extends keyof RuntimeEvents>(
  manager: RobotManager,
  event: K,
  match: (...args: RuntimeEvents[K]) => boolean = () => true,
): Promise<RuntimeEvents[K][0]> {
  return new Promise((resolve) => {
    const listener = (...args: RuntimeEvents[K]) => {
      if (!match(...args)) return;
      (manager as unknown as NodeJS.EventEmitter).off(event, listener as never);
      resolve(args[0]);
    };
    (manager as unknown as NodeJS.EventEmitter).on(event, listener as never);
  });
}

/** The plugins qunbot ships, their services built over the test database (as src/main.ts does). */
export function testPlugins(db: Database, clock: Clock = systemClock) {
  return installPlugins({ db: db.connection, clock, timeZone: 'Asia/Shanghai' });
}
