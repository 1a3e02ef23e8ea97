/**
 * What bench/pipeline compares, each set up on its own PuppetMock world and then driven chunk by
 * chunk: bare Wechaty with one `message` listener (the baseline), and qunbot's runtime (self
 * filter, dedupe, age check, room lookup, context, pipeline) with four no-op plugins or with the
 * four real plugins and 1,000 keyword rules the traffic never matches (the cost of looking).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WechatyBuilder } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { loadConfig } from '../../config';
import type { PipelineStage } from '../../src/bot/pipeline';
import type { Puppet } from '../../src/bot/puppets';
import { createRuntime } from '../../src/bot/runtime';
import { connectDatabase } from '../../src/db/connection';
import { installPlugins } from '../../src/plugins';
import { systemClock } from '../../src/bot/core/clock';
import { startMetrics } from '../../src/metrics/metrics';
import { loggedIn, sendChunk, world, type ChunkResult } from './traffic';

export type Mode = 'bare' | 'noop' | 'plugins';

/** A variant ready for traffic: each `run` sends one chunk and measures it. */
export interface Variant {
  run(count: number): Promise<ChunkResult>;
  stop(): Promise<void>;
}

export function startVariant(mode: Mode, uri: string): Promise<Variant> {
  return mode === 'bare' ? bare() : qunbot(uri, mode);
}

async function bare(): Promise<Variant> {
  const mocker = new mock.Mocker();
  const w = world(mocker);
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) as never });
  bot.on('error', () => undefined);
  let cb: (t: string) => void = () => undefined;
  bot.on('message', (m) => cb(m.text()));
  await bot.start();
  await loggedIn(bot, w);
  return { run: (n) => sendChunk(w, (f) => (cb = f), n), stop: () => bot.stop() };
}

const PLUGINS = ['welcome', 'mention-capture', 'sign-in', 'keyword-reply'];

/** 1,000 keyword rules of 2 to 5 CJK characters (as bench/keywords makes them). */
function keywordRules(n: number): string[] {
  let s = 12345;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () =>
    Array.from({ length: 2 + Math.floor(random() * 4) }, () =>
      String.fromCharCode(0x4e00 + Math.floor(random() * 3000)),
    ).join(''),
  );
}

async function qunbot(uri: string, mode: 'noop' | 'plugins'): Promise<Variant> {
  const silent = pino({ level: 'silent' });
  const db = await connectDatabase({
    uri,
    dbName: `bench_pipeline_${process.pid}_${Date.now()}`,
    serverSelectionTimeoutMs: 5000,
    log: silent,
  });
  const mocker = new mock.Mocker();
  const w = world(mocker);
  const noop: PipelineStage['handle'] = (_ctx, next) => next();
  const noopStage = (name: string): PipelineStage => ({ name, events: ['message', 'room-join'], handle: noop });
  const config = {
    ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-data-')),
  };
  const plugins = installPlugins({ db: db.connection, clock: systemClock, timeZone: config.timeZone });
  // BENCH_ONLY=welcome,sign-in: those real plugins, no-op stages for the rest (to see what each costs).
  const realStages = () => {
    const real = plugins.stages(process.env.BENCH_ONLY?.split(',') ?? PLUGINS, { log: silent });
    return PLUGINS.map((name) => real.find((s) => s.name === name) ?? noopStage(name));
  };
  const runtime = createRuntime({
    config,
    connection: db.connection,
    log: silent,
    clock: systemClock,
    stages: mode === 'noop' ? PLUGINS.map(noopStage) : realStages(),
    createPuppet: () => new PuppetMock({ mocker }) as unknown as Puppet,
  });
  if (mode === 'plugins') {
    const rules = keywordRules(1000);
    for (let i = 0; i < rules.length; i += 100) {
      await Promise.all(
        rules.slice(i, i + 100).map((k) =>
          plugins.services['keyword-reply'].keywords.create('bench', {
            keywords: [k],
            replies: [{ type: 'text', text: `reply ${k}` }],
          }),
        ),
      );
    }
    await plugins.services['sign-in'].signIn.defineKeyword('bench', '签到');
  }
  // The metrics listen as in production (messages counted, plugin stages timed on a sample).
  const metrics = startMetrics({ manager: runtime.manager, robots: runtime.robots, processLabel: 'bench' });
  const robot = await runtime.manager.create({ name: 'bench', owner: 'bench', puppet: { kind: 'mock' } });
  const synced = new Promise<void>((r) => runtime.manager.once('rooms-synced', () => r()));
  await runtime.manager.start(robot.id);
  mocker.login(w.user);
  await synced;
  let cb: (t: string) => void = () => undefined;
  runtime.manager.on('handled', ({ event }) => event.kind === 'message' && cb(event.text));
  return {
    run: (n) => sendChunk(w, (f) => (cb = f), n),
    async stop() {
      metrics.close();
      await runtime.manager.shutdown();
      await db.connection.dropDatabase();
      await db.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
