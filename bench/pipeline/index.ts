/**
 * bench/pipeline: message dispatch through qunbot's runtime versus bare Wechaty, on the same
 * in-process PuppetMock traffic (200 rooms), and heap per idle logged-in robot over puppet-service.
 *
 * Baseline: a Wechaty with one `message` listener. qunbot: the RobotManager (self filter, dedupe,
 * age check, room lookup, context, pipeline) with four no-op plugins, and with the four real
 * plugins and 1,000 keyword rules (the traffic matches none: the cost of looking). Each
 * measurement runs in a fresh process; rounds rotate the order; medians.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WechatyBuilder, log as wechatyLog } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { PuppetServer, PuppetService } from 'wechaty-puppet-service';
import type { PipelineStage } from '../../src/bot/pipeline';
import type { Puppet } from '../../src/bot/puppets';
import { createRuntime } from '../../src/bot/runtime';
import { connectDatabase } from '../../src/db';
import { loadConfig } from '../../config';
import { buildStages } from '../../src/plugins';
import { benchMongo, log, machine, median, printResult, round } from '../support';

const ROOMS = 200;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
// One measurement varies by up to ±25 % from process to process on this 2-core VM (the same
// variant, back to back): nine rounds, and the medians.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const HEAP_ROBOTS = Number(process.env.BENCH_ROBOTS ?? 100);

wechatyLog.level('silent');
process.setMaxListeners(10_000);
process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-'));

interface World {
  mocker: mock.Mocker;
  user: mock.ContactMock;
  rooms: { room: mock.RoomMock; people: mock.ContactMock[] }[];
}

function world(mocker: mock.Mocker): World {
  const user = mocker.createContact({ name: 'Bench Bot' });
  const rooms = Array.from({ length: ROOMS }, (_, i) => {
    const people = mocker.createContacts(5);
    return { room: mocker.createRoom({ topic: `Room ${i}`, memberIdList: [user.id, ...people.map((p) => p.id)], ownerId: people[0].id }), people };
  });
  return { mocker, user, rooms };
}

// Long enough for every stage's hot path to be optimized before the timed part.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10_000);

/**
 * Emits WARMUP messages (not timed: JIT, first rule loads), then MESSAGES room messages, and
 * resolves when all were received; returns msgs/s and latencies of the timed ones.
 */
async function drive(w: World, onEach: (cb: (text: string) => void) => void): Promise<{ rate: number; latencies: number[] }> {
  await send(w, onEach, WARMUP);
  return send(w, onEach, MESSAGES);
}

async function send(w: World, onEach: (cb: (text: string) => void) => void, MESSAGES: number): Promise<{ rate: number; latencies: number[] }> {
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  let done: () => void;
  const all = new Promise<void>((r) => (done = r));
  onEach((text) => {
    const t0 = sentAt.get(text);
    if (t0 === undefined) return;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (latencies.length === MESSAGES) done();
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < MESSAGES; i++) {
    const { room, people } = w.rooms[i % ROOMS];
    const text = `bench ${randomUUID()}`;
    sentAt.set(text, process.hrtime.bigint());
    people[i % people.length].say(text).to(room);
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await all;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { rate: MESSAGES / secs, latencies };
}

async function loggedIn(bot: { on(e: 'login', f: () => void): unknown }, w: World): Promise<void> {
  const p = new Promise<void>((r) => bot.on('login', () => r()));
  w.mocker.login(w.user);
  await p;
}

async function bare(): Promise<{ rate: number; latencies: number[] }> {
  const mocker = new mock.Mocker();
  const w = world(mocker);
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) as never });
  bot.on('error', () => undefined);
  let cb: (t: string) => void = () => undefined;
  bot.on('message', (m) => cb(m.text()));
  await bot.start();
  await loggedIn(bot, w);
  const r = await drive(w, (f) => (cb = f));
  await bot.stop();
  return r;
}

const PLUGINS = ['welcome', 'mention-capture', 'sign-in', 'keyword-reply'];

/** 1,000 keyword rules of 2 to 5 CJK characters (as bench/keywords makes them). */
function keywordRules(n: number): string[] {
  let s = 12345;
  const random = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(random() * 4) }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 3000))).join(''));
}

async function qunbot(uri: string, mode: 'noop' | 'plugins'): Promise<{ rate: number; latencies: number[] }> {
  const db = await connectDatabase({ uri, dbName: `bench_pipeline_${Date.now()}`, serverSelectionTimeoutMs: 5000, log: pino({ level: 'silent' }) });
  const mocker = new mock.Mocker();
  const w = world(mocker);
  const noop: PipelineStage['handle'] = (_ctx, next) => next();
  const config = { ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }), dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-data-')) };
  const silent = pino({ level: 'silent' });
  const runtime = createRuntime({
    config,
    connection: db.connection,
    log: silent,
    stages:
      mode === 'noop'
        ? PLUGINS.map((name) => ({ name, events: ['message', 'room-join'] as const, handle: noop }))
        : (services) => {
            // BENCH_ONLY=welcome,sign-in: those real plugins, no-op stages for the rest (to see what each costs).
            const only = process.env.BENCH_ONLY?.split(',');
            const real = buildStages(only ?? PLUGINS, { services, log: silent });
            return PLUGINS.map((name) => real.find((s) => s.name === name) ?? { name, events: ['message', 'room-join'] as const, handle: noop });
          },
    createPuppet: () => new PuppetMock({ mocker }) as unknown as Puppet,
  });
  if (mode === 'plugins') {
    const rules = keywordRules(1000);
    for (let i = 0; i < rules.length; i += 100) {
      await Promise.all(rules.slice(i, i + 100).map((k) => runtime.keywords.create('bench', { keywords: [k], replies: [{ type: 'text', text: `reply ${k}` }] })));
    }
    await runtime.signIn.defineKeyword('bench', '签到');
  }
  const robot = await runtime.manager.create({ name: 'bench', owner: 'bench', puppet: { kind: 'mock' } });
  const synced = new Promise<void>((r) => runtime.manager.once('rooms-synced', () => r()));
  await runtime.manager.start(robot.id);
  mocker.login(w.user);
  await synced;
  let cb: (t: string) => void = () => undefined;
  runtime.manager.on('handled', ({ event }) => event.kind === 'message' && cb(event.text));
  const r = await drive(w, (f) => (cb = f));
  await runtime.manager.shutdown();
  await db.connection.dropDatabase();
  await db.close();
  return r;
}

/** Heap per idle logged-in client over puppet-service, bare Wechaty versus a qunbot robot. */
async function heapPerRobot(uri: string): Promise<{ bare: number; qunbot: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      gc();
    }
    return process.memoryUsage().heapUsed;
  };
  const servers = await Promise.all(
    Array.from({ length: HEAP_ROBOTS }, async (_, i) => {
      const mocker = new mock.Mocker();
      const user = mocker.createContact({ name: `u${i}` });
      for (let r = 0; r < 10; r++) mocker.createRoom({ topic: `r${r}`, memberIdList: [user.id, ...mocker.createContacts(20).map((c) => c.id)] });
      mocker.use((m) => {
        setImmediate(() => m.login(user));
        return () => undefined;
      });
      const token = `insecure_${randomUUID()}`;
      const endpoint = `127.0.0.1:${30000 + ((process.pid * 7 + i) % 20000)}`;
      const server = new PuppetServer({ endpoint, token, puppet: new PuppetMock({ mocker }), tls: { disable: true } } as never);
      await server.start();
      return { server, token, endpoint };
    }),
  );
  const base = await settle();

  const bots = [];
  for (const s of servers) {
    const bot = WechatyBuilder.build({ puppet: new PuppetService({ token: s.token, endpoint: s.endpoint, tls: { disable: true } }) as never });
    bot.on('error', () => undefined);
    const li = new Promise<void>((r) => bot.on('login', () => r()));
    await bot.start();
    await li;
    bots.push(bot);
  }
  const withBare = await settle();
  for (const b of bots) await b.stop();

  const db = await connectDatabase({ uri, dbName: `bench_heap_${Date.now()}`, serverSelectionTimeoutMs: 5000, log: pino({ level: 'silent' }) });
  const config = { ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }), dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-heap-')) };
  const runtime = createRuntime({ config, connection: db.connection, log: pino({ level: 'silent' }) });
  const base2 = await settle();
  for (const s of servers) {
    const robot = await runtime.manager.create({ name: 'h', owner: 'bench', puppet: { kind: 'service', token: s.token, endpoint: s.endpoint, tlsDisable: true } });
    const synced = new Promise<void>((r) => {
      const f = (e: { robotId: string }) => e.robotId === robot.id && (runtime.manager.off('rooms-synced', f), r());
      runtime.manager.on('rooms-synced', f);
    });
    await runtime.manager.start(robot.id);
    await synced;
  }
  const withQunbot = await settle();
  await runtime.manager.stopAll();
  await db.connection.dropDatabase();
  await db.close();
  await Promise.all(servers.map((s) => s.server.stop()));
  return { bare: (withBare - base) / HEAP_ROBOTS / 2 ** 20, qunbot: (withQunbot - base2) / HEAP_ROBOTS / 2 ** 20 };
}

type Mode = 'bare' | 'noop' | 'plugins';

/** One measurement in a fresh process (Wechaty instances stay referenced by process listeners). */
function measure(mode: Mode, uri: string): { rate: number; latencyMs: number } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_MODE: mode, BENCH_MONGODB_URI: uri },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0) throw new Error(`measurement ${mode} failed (exit ${r.status})`);
  return JSON.parse(last) as { rate: number; latencyMs: number };
}

async function child(mode: Mode): Promise<void> {
  const uri = process.env.BENCH_MONGODB_URI as string;
  const r = mode === 'bare' ? await bare() : await qunbot(uri, mode);
  process.stdout.write(`${JSON.stringify({ rate: r.rate, latencyMs: median(r.latencies) })}\n`);
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE as Mode | undefined;
  if (mode) {
    await child(mode);
    process.exit(0);
  }
  const mongo = await benchMongo();
  const runs: Record<Mode, { rate: number; latencyMs: number }[]> = { bare: [], noop: [], plugins: [] };
  const order: Mode[] = ['bare', 'noop', 'plugins'];
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    // Rotate the order so no variant always runs on a warmer or busier machine.
    const rotated = order.map((_, i) => order[(i + round_ - 1) % order.length]);
    for (const m of rotated) runs[m].push(measure(m, mongo.uri));
    log(`round ${round_}: ${order.map((m) => `${m} ${round(runs[m][runs[m].length - 1].rate, 0)} msg/s`).join(', ')}`);
  }
  const rate = (m: Mode) => median(runs[m].map((r) => r.rate));
  const latency = (m: Mode) => round(median(runs[m].map((r) => r.latencyMs)), 3);
  /** The ratio within each round (measured minutes apart at most), to show the spread. */
  const perRound = (m: Mode) => {
    const ratios = runs[m].map((r, i) => r.rate / runs.bare[i].rate).sort((a, b) => a - b);
    return { min: round(ratios[0]), median: round(median(ratios)), max: round(ratios[ratios.length - 1]) };
  };
  printResult({
    bench: 'pipeline',
    metric: 'messages dispatched per second (4 no-op plugins, 200 rooms)',
    qunbot: round(rate('noop'), 0),
    baseline: round(rate('bare'), 0),
    ratio: round(rate('noop') / rate('bare')),
    target: 0.8,
    unit: 'msg/s',
    medianLatencyMs: { qunbot: latency('noop'), baseline: latency('bare') },
    ratioWithinRounds: perRound('noop'),
  });
  const heap = await heapPerRobot(mongo.uri);
  log(`heap per idle logged-in robot over puppet-service (${HEAP_ROBOTS} robots): bare ${round(heap.bare)} MB, qunbot ${round(heap.qunbot)} MB`);
  printResult({
    bench: 'pipeline',
    metric: 'heap per idle logged-in robot (puppet-service)',
    qunbot: round(heap.qunbot),
    baseline: round(heap.bare),
    ratio: round(2 / heap.qunbot),
    target: 1,
    unit: 'MB (ratio = 2 MB target / qunbot)',
    robots: HEAP_ROBOTS,
  });
  printResult({
    bench: 'pipeline',
    metric: 'messages dispatched per second (welcome, mention-capture, sign-in, keyword-reply with 1,000 rules; 200 rooms)',
    qunbot: round(rate('plugins'), 0),
    baseline: round(rate('bare'), 0),
    ratio: round(rate('plugins') / rate('bare')),
    target: 0.8,
    unit: 'msg/s',
    messages: MESSAGES,
    rounds: ROUNDS,
    medianLatencyMs: { qunbot: latency('plugins'), baseline: latency('bare') },
    ratioWithinRounds: perRound('plugins'),
    machine: machine(),
  });
  await mongo.stop();
  process.exit(0);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
});
