/**
 * bench/fleet: many robots in one qunbot process, over puppet-service (the servers run in a farm
 * process of their own, bench/fleet/farm.ts).
 *
 * 1. 1,000 idle logged-in robots, 10 rooms of 20 people each: the time until all are logged in
 *    (qunbot's fleet takes BENCH_TAKE_PER_ROUND of them a round, 100 by default, as an operator
 *    sets it for a process meant for 1,000 robots) against as many bare Wechaty clients (all at
 *    once) on the same servers; heap per robot (target under 2 MB) against the bare clients'; event-loop
 *    delay p99 while all are idle (target under 20 ms) and while 100 of them receive 50 messages
 *    a second in total through the four plugins (target under 50 ms), each beside the same
 *    process's p99 before any robot started.
 * 2. Broadcast makespan: one broadcast to 20 robots x 50 rooms with the default pacing; the time
 *    until the last room has it against the pacing bound (rooms per robot / allowed rate);
 *    target at most 1.1 x the bound (ratio bound / makespan at least 0.91).
 *
 * BENCH_ROBOTS, BENCH_SECONDS (each event-loop window), BENCH_BROADCAST_ROOMS shrink it;
 * BENCH_TAKE_PER_ROUND sets the round limit; BENCH_FLEET_LOG=<file> keeps the runtime's debug log.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import pino from 'pino';
import { log as wechatyLog } from 'wechaty';
import { loadConfig } from '../../config';
import { systemClock } from '../../src/bot/core/clock';
import { createRuntime, type Runtime } from '../../src/bot/runtime';
import { createBroadcasts } from '../../src/broadcasts';
import { connectDatabase, modelsReady } from '../../src/db/connection';
import { installPlugins } from '../../src/plugins';
import { benchMongo, log, machine, printResult, round, settledHeap } from '../support';

const ROBOTS = Number(process.env.BENCH_ROBOTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LOAD_ROBOTS = Math.min(100, ROBOTS);
const LOAD_PER_SEC = 50;
const BC_ROBOTS = 20;
const BC_ROOMS = Number(process.env.BENCH_BROADCAST_ROOMS ?? 50);
const TAKE_PER_ROUND = Number(process.env.BENCH_TAKE_PER_ROUND ?? 100);
const silent = pino({ level: 'silent' });
// BENCH_FLEET_LOG=<file>: the runtime's log at debug there (the fleet's rounds with each phase's time).
const runtimeLog = process.env.BENCH_FLEET_LOG
  ? pino({ level: 'debug' }, pino.destination({ dest: process.env.BENCH_FLEET_LOG, sync: false }))
  : silent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type FarmLine = Record<string, unknown>;

/** The farm process: its servers, a way to send it a command and to wait for an answer by key. */
async function startFarm(robots: number, rooms: number, members: number) {
  const child = spawn(
    process.execPath,
    [
      path.join(__dirname, 'farm.js'),
      '--robots',
      String(robots),
      '--rooms',
      String(rooms),
      '--members',
      String(members),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, WECHATY_LOG: 'silent' } },
  );
  const waiting = new Map<string, (line: FarmLine) => void>();
  readline.createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as FarmLine;
    for (const [key, resolve] of waiting)
      if (key in line) {
        waiting.delete(key);
        resolve(line);
      }
  });
  const next = (key: string) => new Promise<FarmLine>((resolve) => waiting.set(key, resolve));
  const ready = (await next('ready')).ready as { token: string; endpoint: string }[];
  return {
    ready,
    next,
    send: (cmd: object) => child.stdin.write(`${JSON.stringify(cmd)}\n`),
    stop: async () => {
      child.stdin.write(`${JSON.stringify({ quit: true })}\n`);
      await new Promise((r) => child.on('exit', r));
    },
  };
}

/** Event-loop delay p99 over `seconds`, in ms. */
async function loopDelayP99(seconds: number): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await sleep(seconds * 1000);
  h.disable();
  return h.percentile(99) / 1e6;
}

/** The bare baseline (bench/fleet/bare.ts, a process of its own): time until all logged in, heap per client. */
async function bareClients(servers: readonly { token: string; endpoint: string }[]) {
  const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'bare.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, WECHATY_LOG: 'silent' },
  });
  child.stdin.end(JSON.stringify(servers));
  let out = '';
  for await (const chunk of child.stdout) out += String(chunk);
  return JSON.parse(out.trim().split('\n')[0] as string) as { startupMs: number; heapMb: number };
}

/** qunbot's runtime with the four plugins over its own database; robots made for the servers, to run. */
async function qunbotRuntime(uri: string, servers: readonly { token: string; endpoint: string }[]) {
  const db = await connectDatabase({
    uri,
    dbName: `bench_fleet_${Date.now()}`,
    serverSelectionTimeoutMs: 5000,
    log: silent,
  });
  const base = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const config = {
    ...base,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-fleet-')),
    // Lifting the round limit to 1,000 floods the database with 1,000 logins and room syncs at
    // once: on SecantusDB the renewals then wait past the lease and robots are lost.
    fleet: { ...base.fleet, takePerRound: TAKE_PER_ROUND, maxRobots: servers.length },
  };
  const plugins = installPlugins({ db: db.connection, clock: systemClock, timeZone: config.timeZone });
  const runtime = createRuntime({
    config,
    connection: db.connection,
    log: runtimeLog,
    stages: plugins.stages(config.bot.plugins, { log: silent, settings: config.bot.pluginSettings }),
  });
  await modelsReady(db.connection);
  /** The robots' ids, in the order of the servers. */
  const robotIds: string[] = [];
  for (const s of servers) {
    const robot = await runtime.robots.create({
      name: 'fleet',
      owner: 'bench',
      puppet: { kind: 'service', token: s.token, endpoint: s.endpoint, tlsDisable: true },
    });
    await runtime.robots.setDesired(robot.id, 'running');
    robotIds.push(robot.id);
  }
  const close = async () => {
    await runtime.manager.shutdown();
    await db.connection.dropDatabase();
    await db.close();
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  };
  return { runtime, config, db, robotIds, close };
}

/**
 * Starts the fleet (startAll); resolves once every robot has synced its rooms, with the time
 * until every robot was logged in (what the bare clients are timed to) and until all synced.
 */
async function startAllSynced(runtime: Runtime, robots: number): Promise<{ loginMs: number; syncedMs: number }> {
  // Distinct robots: a robot logged in again (a lease lost and taken back) counts once.
  const counted = (event: 'login' | 'rooms-synced') => {
    const seen = new Set<string>();
    return new Promise<number>((resolve) =>
      runtime.manager.on(event, ({ robotId }: { robotId: string }) => {
        seen.add(robotId);
        if (seen.size === robots) resolve(Date.now());
      }),
    );
  };
  const loggedIn = counted('login');
  const synced = counted('rooms-synced');
  const t0 = Date.now();
  await runtime.manager.startAll();
  return { loginMs: (await loggedIn) - t0, syncedMs: (await synced) - t0 };
}

async function idleFleet(uri: string) {
  log(`fleet: starting ${ROBOTS} puppet-service servers (10 rooms of 20 people each) in the farm process`);
  const farm = await startFarm(ROBOTS, 10, 20);
  const bare = await bareClients(farm.ready);
  log(
    `fleet: bare Wechaty, ${ROBOTS} clients: all logged in after ${bare.startupMs} ms, heap ${round(bare.heapMb)} MB each`,
  );
  const q = await qunbotRuntime(uri, farm.ready);
  const floorMs = await loopDelayP99(SECONDS);
  const heap0 = await settledHeap();
  let leasesLost = 0;
  const lostWhy = new Map<string, number>();
  q.runtime.fleet.on('lost', ({ reason }) => {
    leasesLost++;
    lostWhy.set(reason, (lostWhy.get(reason) ?? 0) + 1);
  });
  const { loginMs: startupMs, syncedMs } = await startAllSynced(q.runtime, ROBOTS);
  const heapMb = ((await settledHeap()) - heap0) / ROBOTS / 2 ** 20;
  log(
    `fleet: qunbot, ${ROBOTS} robots (${TAKE_PER_ROUND} a round): all logged in after ${startupMs} ms, rooms synced after ${syncedMs} ms, heap ${round(heapMb)} MB each, ${leasesLost} leases lost ${JSON.stringify([...lostWhy])}`,
  );
  const idleMs = await loopDelayP99(SECONDS);
  let handled = 0;
  q.runtime.manager.on('handled', (e) => {
    if (e.event.kind === 'message') handled++;
  });
  // The farm talks to its first LOAD_ROBOTS accounts: the robots made for those servers.
  const loadIds = q.robotIds.slice(0, LOAD_ROBOTS);
  const ready = loadIds.filter((id) => q.runtime.manager.robot(id)?.status === 'logged_in').length;
  log(`fleet: ${ready} of the ${LOAD_ROBOTS} robots to load are logged in`);
  if (ready < LOAD_ROBOTS) throw new Error(`only ${ready} of the ${LOAD_ROBOTS} robots to load are logged in`);
  const loaded = farm.next('loaded');
  farm.send({ load: { robots: LOAD_ROBOTS, perSec: LOAD_PER_SEC, seconds: SECONDS } });
  const loadMs = await loopDelayP99(SECONDS);
  await loaded;
  log(
    `fleet: event-loop p99 before the robots ${round(floorMs)} ms, idle ${round(idleMs)} ms, ${LOAD_PER_SEC} msg/s to ${LOAD_ROBOTS} robots ${round(loadMs)} ms (${handled} messages handled)`,
  );
  await q.close();
  await farm.stop();
  return { bare, startupMs, syncedMs, heapMb, floorMs, idleMs, loadMs, handled, leasesLost };
}

async function broadcastMakespan(uri: string) {
  log(`fleet: broadcast to ${BC_ROBOTS} robots x ${BC_ROOMS} rooms with the default pacing`);
  const farm = await startFarm(BC_ROBOTS, BC_ROOMS, 3);
  const q = await qunbotRuntime(uri, farm.ready);
  await startAllSynced(q.runtime, BC_ROBOTS);
  const broadcasts = createBroadcasts({
    config: q.config,
    connection: q.db.connection,
    sendLog: q.runtime.sendLog,
    manager: q.runtime.manager,
    clock: systemClock,
    log: silent,
  });
  const total = BC_ROBOTS * BC_ROOMS;
  const received = farm.next('received');
  farm.send({ expect: total });
  const t0 = Date.now();
  await broadcasts.service.create({
    owner: 'bench',
    name: 'makespan',
    materials: [{ type: 'text', text: 'fleet broadcast' }],
    targets: { mode: 'all' },
    schedule: { kind: 'now' },
  });
  await broadcasts.runner.tick();
  const last = (await received).at as number;
  const makespanMs = last - t0;
  const { ratePerSec } = q.config.outbox;
  const boundMs = (BC_ROOMS / ratePerSec) * 1000;
  log(
    `fleet: last of ${total} rooms after ${makespanMs} ms; pacing bound ${boundMs} ms (${BC_ROOMS} rooms / ${ratePerSec} per s): ${round(makespanMs / boundMs, 3)} x`,
  );
  await broadcasts.close();
  await q.close();
  await farm.stop();
  return { makespanMs, boundMs };
}

async function main() {
  wechatyLog.level('silent' as never);
  process.setMaxListeners(ROBOTS * 5 + 50);
  const mongo = await benchMongo();
  try {
    const idle = await idleFleet(mongo.uri);
    const bc = await broadcastMakespan(mongo.uri);
    const common = { machine: machine(), robots: ROBOTS };
    printResult({
      bench: 'fleet',
      metric: `heap per idle logged-in robot, ${ROBOTS} robots over puppet-service (baseline: bare Wechaty clients)`,
      qunbot: round(idle.heapMb),
      baseline: round(idle.bare.heapMb),
      ratio: round(2 / idle.heapMb),
      target: 1,
      unit: 'MB (ratio: 2 MB / qunbot)',
      ...common,
    });
    printResult({
      bench: 'fleet',
      metric: `time until ${ROBOTS} robots are logged in (baseline: bare Wechaty clients)`,
      qunbot: idle.startupMs,
      baseline: idle.bare.startupMs,
      ratio: round(idle.bare.startupMs / idle.startupMs),
      target: 0,
      unit: 'ms (ratio: bare / qunbot; no target)',
      takePerRound: TAKE_PER_ROUND,
      roomsSyncedMs: idle.syncedMs,
      leasesLost: idle.leasesLost,
      ...common,
    });
    printResult({
      bench: 'fleet',
      metric: `event-loop delay p99, ${ROBOTS} idle robots (baseline: the same process before any robot)`,
      qunbot: round(idle.idleMs),
      baseline: round(idle.floorMs),
      ratio: round(20 / idle.idleMs),
      target: 1,
      unit: 'ms (ratio: 20 ms / qunbot)',
      ...common,
    });
    printResult({
      bench: 'fleet',
      metric: `event-loop delay p99, ${LOAD_PER_SEC} msg/s to ${LOAD_ROBOTS} of ${ROBOTS} robots (baseline: before any robot)`,
      qunbot: round(idle.loadMs),
      baseline: round(idle.floorMs),
      ratio: round(50 / idle.loadMs),
      target: 1,
      unit: 'ms (ratio: 50 ms / qunbot)',
      handled: idle.handled,
      sent: LOAD_PER_SEC * SECONDS,
      ...common,
    });
    printResult({
      bench: 'fleet',
      metric: `broadcast makespan, ${BC_ROBOTS} robots x ${BC_ROOMS} rooms, default pacing (baseline: the pacing bound)`,
      qunbot: bc.makespanMs,
      baseline: bc.boundMs,
      ratio: round(bc.boundMs / bc.makespanMs, 3),
      target: round(1 / 1.1, 3),
      unit: 'ms (ratio: bound / makespan; at least 0.909 = at most 1.1 x the bound)',
      ...common,
    });
  } finally {
    await mongo.stop();
  }
  process.exit(0);
}

main().catch((err) => {
  log(`bench fleet failed: ${(err as Error).stack}`);
  process.exit(1);
});
