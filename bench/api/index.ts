/**
 * bench/api: GET /api/v1/robots?limit=100 (100 robots in the database) through the whole qunbot
 * HTTP stack versus a bare Koa handler running the same mongoose query and answering the same
 * JSON, loaded with autocannon.
 *
 * qunbot: createApp (request id, request log at info into /dev/null, error handler, health,
 * bodyparser) with the native router; an admin API key on every request (verification is cached
 * by ApiKeyService, so after the first request it costs a hash and a map lookup). Baseline: Koa
 * with one middleware: robots.find({}).sort({_id:1}).limit(101).lean(), mapped as the API maps
 * them. Each server runs in a child process of its own and stays up for the whole run; the
 * parent (autocannon) checks that both answer the same body, warms both up, then alternates
 * rounds in a rotated order; medians. BENCH_CPU_PROF=dir writes a CPU profile of the qunbot
 * server there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import Koa from 'koa';
import pino from 'pino';
import { loadConfig } from '../../config';
import { createApp } from '../../src/api/app';
import { AuthFailureLimiter } from '../../src/auth/auth-failure-limiter';
import { nativeApi } from '../../src/api/v1';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { robotModel, type RobotDoc } from '../../src/bot/robot.model';
import { createRuntime } from '../../src/bot/runtime';
import { connectDatabase, type Database } from '../../src/db/connection';
import { createLogger } from '../../src/logger';
import { benchMongo, log, machine, median, printResult, round } from '../support';

const ROBOTS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** info (the production default) into /dev/null: the request log's cost counts, the terminal's does not. */
const LOG_LEVEL = process.env.BENCH_API_LOG_LEVEL ?? 'info';
const PATH = `/api/v1/robots?limit=${ROBOTS}`;
const WATCHDOG_MS = (120 + (ROUNDS * 2 + 2) * (SECONDS + WARMUP_SECONDS) * 2) * 1000;

type Role = 'qunbot' | 'bare';

async function connect(): Promise<Database> {
  return connectDatabase({
    uri: process.env.BENCH_MONGODB_URI as string,
    dbName: process.env.BENCH_DB as string,
    serverSelectionTimeoutMs: 5000,
    log: pino({ level: 'silent' }),
  });
}

/** The full qunbot HTTP stack, as src/main.ts composes it (minus the robots, which stay stopped). */
async function qunbotServer(db: Database): Promise<http.RequestListener> {
  const appLog = createLogger({ level: LOG_LEVEL, pretty: false }, pino.destination({ dest: '/dev/null', sync: true }));
  const config = {
    ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-api-')),
  };
  const runtime = createRuntime({ config, connection: db.connection, log: pino({ level: 'silent' }) });
  const keys = new ApiKeyService(db.connection);
  const native = nativeApi({
    runtime,
    keys,
    // As src/main.ts: every authenticated request checks the failed-authentication counters.
    authLimiter: new AuthFailureLimiter(db.connection, config.api.authFailures, pino({ level: 'silent' })),
    maxPageSize: config.api.maxPageSize,
    checkCallbackUrl: async () => undefined,
  });
  return createApp({ log: appLog, db, routers: [native.router], bodyLimitKb: config.api.bodyLimitKb }).callback();
}

/** What the API shows of a robot in a list (RobotService's view without the QR code). */
function listView(d: RobotDoc & { createdAt?: Date }) {
  const v: Record<string, unknown> = {
    id: d._id.toString(),
    name: d.name,
    owner: d.owner,
    puppetKind: d.puppet.kind,
    desired: d.desired,
    status: d.status,
    createdAt: d.createdAt ?? new Date(0),
  };
  for (const k of [
    'agentCode',
    'callbackUrl',
    'username',
    'statusReason',
    'statusAt',
    'wxId',
    'wxName',
    'loggedInAt',
  ] as const) {
    if (d[k] !== undefined && d[k] !== null) v[k] = d[k];
  }
  return v;
}

/** The baseline: Koa and one handler with the same query and the same answer. */
function bareServer(db: Database): http.RequestListener {
  const Robot = robotModel(db.connection);
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path !== '/api/v1/robots') return;
    const docs = (await Robot.find({})
      .sort({ _id: 1 })
      .limit(ROBOTS + 1)
      .lean()) as unknown as RobotDoc[];
    const more = docs.length > ROBOTS;
    const items = (more ? docs.slice(0, ROBOTS) : docs).map(listView);
    ctx.body = more ? { items, nextCursor: docs[ROBOTS - 1]._id.toString() } : { items };
  });
  return app.callback();
}

/** Child process: serve one variant on 127.0.0.1 until the parent closes our stdin. */
async function serve(role: Role): Promise<void> {
  const db = await connect();
  const server = http.createServer(role === 'qunbot' ? await qunbotServer(db) : bareServer(db));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  // process.exit (not a kill) so that --cpu-prof writes its profile.
  const quit = () => process.exit(0);
  process.stdin.on('end', quit).on('close', quit).resume();
  process.on('SIGTERM', quit);
  // The parent asks for our CPU time around each load, to count the server's own cost per request.
  process.on('message', () => process.send?.(process.cpuUsage()));
}

interface Running {
  role: Role;
  child: ChildProcess;
  url: string;
}

function start(role: Role, env: NodeJS.ProcessEnv): Promise<Running> {
  const prof =
    role === 'qunbot' && process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const child = spawn(process.execPath, [...process.execArgv, ...prof, __filename], {
    env: { ...env, BENCH_ROLE: role },
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${role} server exited (${code}) before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ role, child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` });
    });
  });
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.child.once('exit', () => resolve());
    r.child.stdin?.end();
  });
}

function cpuOf(r: Running): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    r.child.once('message', (m) => resolve(m as NodeJS.CpuUsage));
    r.child.send('cpu');
  });
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  /** The server process's CPU time (user + system) per answered request, in microseconds. */
  cpuUs: number;
}

async function load(r: Running, key: string, seconds: number): Promise<Round> {
  const before = await cpuOf(r);
  const res = await autocannon({
    url: r.url + PATH,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
  });
  const after = await cpuOf(r);
  if (res.non2xx > 0 || res.errors > 0 || res.timeouts > 0)
    throw new Error(`${r.role}: ${res.non2xx} non-2xx answers, ${res.errors} errors, ${res.timeouts} timeouts`);
  const cpuUs = (after.user - before.user + after.system - before.system) / res['2xx'];
  return { rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, cpuUs };
}

async function body(r: Running, key: string): Promise<{ items: unknown[] }> {
  const res = await fetch(r.url + PATH, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`${r.role} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { items: unknown[] };
}

/** 100 robots of 5 owners, some with the optional fields set, and an admin key. */
async function seed(db: Database): Promise<string> {
  const config = {
    ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-api-seed-')),
  };
  const runtime = createRuntime({ config, connection: db.connection, log: pino({ level: 'silent' }) });
  for (let i = 0; i < ROBOTS; i++) {
    await runtime.robots.create({
      name: `robot ${i}`,
      owner: `owner${i % 5}`,
      ...(i % 2 ? { agentCode: `AG${String(i).padStart(4, '0')}` } : {}),
      ...(i % 3 === 0 ? { callbackUrl: `https://example.invalid/login/${i}` } : {}),
      ...(i % 4 === 0 ? { username: `user${i}` } : {}),
    });
  }
  return (await new ApiKeyService(db.connection).create({ name: 'bench admin' })).key;
}

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE as Role | undefined;
  if (role) return serve(role);

  const mongo = await benchMongo();
  // A stuck database or server must end the run with an error, not hang it.
  const watchdog = setTimeout(() => {
    log(`bench api: no result after ${WATCHDOG_MS / 1000} s; giving up`);
    void Promise.race([mongo.stop(), new Promise((r) => setTimeout(r, 5000))]).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  const dbName = `bench_api_${Date.now()}`;
  const env = { ...process.env, BENCH_MONGODB_URI: mongo.uri, BENCH_DB: dbName };
  process.env.BENCH_MONGODB_URI = mongo.uri;
  process.env.BENCH_DB = dbName;
  const db = await connect();
  const key = await seed(db);

  const servers = { qunbot: await start('qunbot', env), bare: await start('bare', env) };
  const [q, b] = [await body(servers.qunbot, key), await body(servers.bare, key)];
  if (q.items.length !== ROBOTS || !isDeepStrictEqual(q, b))
    throw new Error(`the two servers answer differently (qunbot ${q.items.length} items, bare ${b.items.length})`);
  log(`both answer the same ${ROBOTS} robots (${JSON.stringify(q).length} bytes); warming up ${WARMUP_SECONDS} s each`);
  for (const r of [servers.bare, servers.qunbot]) await load(r, key, WARMUP_SECONDS);

  const runs: Record<Role, Round[]> = { qunbot: [], bare: [] };
  const ratios: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate the order so neither variant always runs first (on a cooler or quieter machine).
    const order: Role[] = i % 2 ? ['qunbot', 'bare'] : ['bare', 'qunbot'];
    for (const role_ of order) runs[role_].push(await load(servers[role_], key, SECONDS));
    const [rq, rb] = [runs.qunbot[i], runs.bare[i]];
    ratios.push(rq.rps / rb.rps);
    log(
      `round ${i + 1}: qunbot ${round(rq.rps, 0)} req/s (p99 ${rq.p99} ms, ${round(rq.cpuUs, 0)} µs CPU/req), bare ${round(rb.rps, 0)} req/s (p99 ${rb.p99} ms, ${round(rb.cpuUs, 0)} µs CPU/req), ratio ${round(rq.rps / rb.rps)}`,
    );
  }
  await Promise.all([stop(servers.qunbot), stop(servers.bare)]);
  await db.connection.dropDatabase();
  await db.close();
  await mongo.stop();

  const med = (role_: Role, k: keyof Round) =>
    round(median(runs[role_].map((r) => r[k])), k === 'rps' || k === 'cpuUs' ? 0 : 2);
  printResult({
    bench: 'api',
    metric: `GET ${PATH} (${ROBOTS} robots) requests per second, full app versus a bare Koa handler with the same query`,
    qunbot: med('qunbot', 'rps'),
    baseline: med('bare', 'rps'),
    ratio: round(median(ratios)),
    target: 0.7,
    unit: 'req/s',
    latencyMs: {
      qunbot: { p50: med('qunbot', 'p50'), p99: med('qunbot', 'p99') },
      baseline: { p50: med('bare', 'p50'), p99: med('bare', 'p99') },
    },
    ratios: ratios.map((r) => round(r)),
    // Where the database is the bottleneck (SecantusDB answers a 100-robot page in milliseconds),
    // req/s hide the HTTP stack; the servers' own CPU per request shows it.
    serverCpuUsPerRequest: {
      qunbot: med('qunbot', 'cpuUs'),
      baseline: med('bare', 'cpuUs'),
      ratio: round(median(runs.bare.map((r) => r.cpuUs)) / median(runs.qunbot.map((r) => r.cpuUs))),
    },
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    requestLog: LOG_LEVEL === 'silent' ? 'silent' : `${LOG_LEVEL} to /dev/null`,
    machine: machine(),
  });
  process.exit(0);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
});
