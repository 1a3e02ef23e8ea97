import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../config';
import type { Database } from '../../src/db/connection';
import { systemClock, type Clock } from '../../src/bot/core/clock';
import { WebhookOutbox } from '../../src/webhooks/outbox';
import type { Settled } from '../../src/webhooks/worker';
import { silentLog } from '../support/logger';

/** Test webhook config: loopback allowed (config/test.json), short timeouts and backoff. */
export function webhookConfig(
  over: Partial<Config['webhooks']> = {},
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-wh-')),
) {
  const base = loadConfig({ NODE_ENV: 'test' });
  return {
    ...base,
    dataDir,
    webhooks: {
      ...base.webhooks,
      timeoutMs: 300,
      pollMs: 25,
      backoff: { initialMs: 20, maxMs: 200, jitter: 0.3 },
      ...over,
    },
    callbacks: { timeoutMs: 300 },
  };
}

export function makeOutbox(
  db: Database,
  config: ReturnType<typeof webhookConfig>,
  opts: { clock?: Clock; workerId?: string } = {},
) {
  return new WebhookOutbox({
    config,
    connection: db.connection,
    clock: opts.clock ?? systemClock,
    log: silentLog,
    ...(opts.workerId ? { workerId: opts.workerId } : {}),
  });
}

/** Real time plus an offset the test moves forward: deadlines pass without waiting for them. */
export function shiftedClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return {
    now: () => systemClock.now() + offset,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    shift: (ms) => {
      offset += ms;
    },
  };
}

/** Resolves with the first settled attempt matching `match`. */
export function nextSettled(outbox: WebhookOutbox, match: (s: Settled) => boolean = () => true): Promise<Settled> {
  return new Promise((resolve) => {
    const on = (s: Settled) => {
      if (!match(s)) return;
      outbox.worker.off('settled', on);
      resolve(s);
    };
    outbox.worker.on('settled', on);
  });
}
