/**
 * bench/pipeline: message dispatch through qunbot's runtime versus bare Wechaty on the same
 * in-process PuppetMock traffic (200 rooms), and heap per idle logged-in robot over
 * puppet-service.
 *
 * Each variant (variants.ts) lives in its own process, set up and warmed up once; the variants
 * then take turns sending a chunk of messages (only one runs at a time, the order rotating
 * each round), so the two chunks a ratio compares were measured within a second of each other.
 * This machine's speed drifts by ±25 % over seconds, within one process and between processes,
 * far more than the difference measured: paired chunks cancel the drift where separate runs
 * minutes apart did not. Several sets of fresh processes; the median of all paired ratios.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log as wechatyLog } from 'wechaty';
import { benchMongo, log, machine, median, printResult, round } from '../support';
import { heapPerRobot } from './heap';
import type { ChunkResult } from './traffic';
import { startVariant, type Mode } from './variants';

const SETS = Number(process.env.BENCH_SETS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 5_000);
// Long enough for every stage's hot path to be optimized before the measured chunks.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10_000);
const HEAP_ROBOTS = Number(process.env.BENCH_ROBOTS ?? 100);
const MODES: Mode[] = ['bare', 'noop', 'plugins'];

wechatyLog.level('silent');
process.setMaxListeners(10_000);
// Wechaty keeps its memory card under HOME: a throwaway one per process.
const home = (process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-bench-')));
process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));

type ToChild = { type: 'run'; count: number } | { type: 'stop' };
type FromChild = { type: 'ready' } | ({ type: 'result' } & ChunkResult) | { type: 'stopped' };

/** A variant's process: set up and warmed up, then one chunk per `run`. */
async function child(mode: Mode): Promise<void> {
  const variant = await startVariant(mode, process.env.BENCH_MONGODB_URI as string);
  await variant.run(WARMUP);
  const reply = (m: FromChild) => process.send?.(m);
  process.on('message', (m: ToChild) => {
    if (m.type === 'run') void variant.run(m.count).then((r) => reply({ type: 'result', ...r }));
    else void variant.stop().then(() => (reply({ type: 'stopped' }), process.exit(0)));
  });
  reply({ type: 'ready' });
}

/** The parent's handle on one variant process. */
class VariantProcess {
  private constructor(
    private readonly proc: ChildProcess,
    readonly mode: Mode,
  ) {}

  static async start(mode: Mode, uri: string): Promise<VariantProcess> {
    const proc = fork(__filename, [], {
      env: { ...process.env, BENCH_MODE: mode, BENCH_MONGODB_URI: uri },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const v = new VariantProcess(proc, mode);
    await v.next('ready');
    return v;
  }

  async run(count: number): Promise<ChunkResult> {
    const answer = this.next('result');
    this.proc.send({ type: 'run', count } satisfies ToChild);
    const { rate, latencyMs } = (await answer) as ChunkResult;
    return { rate, latencyMs };
  }

  async stop(): Promise<void> {
    const answer = this.next('stopped');
    this.proc.send({ type: 'stop' } satisfies ToChild);
    await answer;
  }

  /** The child's next message, which must be of this type; rejects if the child dies first. */
  private next(type: FromChild['type']): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the ${this.mode} process exited (${code}) before '${type}'`));
      this.proc.once('exit', onExit);
      this.proc.once('message', (m: FromChild) => {
        this.proc.off('exit', onExit);
        if (m.type === type) resolve(m);
        else reject(new Error(`the ${this.mode} process sent '${m.type}', expected '${type}'`));
      });
    });
  }
}

type Chunks = Record<Mode, ChunkResult[]>;

/** One set of fresh processes: ROUNDS rounds, each variant one chunk per round. */
async function measureSet(uri: string, into: Chunks): Promise<void> {
  const procs: Partial<Record<Mode, VariantProcess>> = {};
  // One at a time, so no set-up competes with another's warm-up.
  for (const m of MODES) procs[m] = await VariantProcess.start(m, uri);
  for (let r = 0; r < ROUNDS; r++) {
    const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
    for (const m of order) into[m].push(await procs[m]!.run(CHUNK));
  }
  for (const m of MODES) await procs[m]!.stop();
}

/** Ratios of each round's chunk to the bare chunk of the same round. */
function pairedRatios(chunks: Chunks, mode: Mode, from = 0, to = chunks.bare.length): number[] {
  return chunks[mode].slice(from, to).map((c, i) => c.rate / chunks.bare[from + i].rate);
}

function summary(chunks: Chunks, mode: Mode) {
  const ratios = pairedRatios(chunks, mode).sort((a, b) => a - b);
  const perSet = Array.from({ length: SETS }, (_, s) =>
    round(median(pairedRatios(chunks, mode, s * ROUNDS, (s + 1) * ROUNDS))),
  );
  return {
    qunbot: round(median(chunks[mode].map((c) => c.rate)), 0),
    baseline: round(median(chunks.bare.map((c) => c.rate)), 0),
    ratio: round(median(ratios)),
    target: 0.8,
    unit: 'msg/s',
    chunks: `${SETS} sets x ${ROUNDS} rounds x ${CHUNK} messages, after ${WARMUP} warm-up`,
    medianLatencyMs: {
      qunbot: round(median(chunks[mode].map((c) => c.latencyMs)), 3),
      baseline: round(median(chunks.bare.map((c) => c.latencyMs)), 3),
    },
    pairedRatio: {
      p10: round(ratios[Math.floor(ratios.length * 0.1)]),
      median: round(median(ratios)),
      p90: round(ratios[Math.floor(ratios.length * 0.9)]),
    },
    medianRatioPerSet: perSet,
  };
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE as Mode | undefined;
  if (mode) return child(mode);
  const mongo = await benchMongo();
  const chunks: Chunks = { bare: [], noop: [], plugins: [] };
  for (let s = 1; s <= SETS; s++) {
    const from = chunks.bare.length;
    await measureSet(mongo.uri, chunks);
    const set = (m: Mode) => round(median(pairedRatios(chunks, m, from)));
    log(
      `set ${s}: bare ${round(median(chunks.bare.slice(from).map((c) => c.rate)), 0)} msg/s; paired ratio noop ${set('noop')}, plugins ${set('plugins')}`,
    );
  }
  printResult({
    bench: 'pipeline',
    metric: 'messages dispatched per second (4 no-op plugins, 200 rooms)',
    ...summary(chunks, 'noop'),
  });
  const heap = await heapPerRobot(mongo.uri, HEAP_ROBOTS);
  log(
    `heap per idle logged-in robot over puppet-service (${HEAP_ROBOTS} robots): bare ${round(heap.bare)} MB, qunbot ${round(heap.qunbot)} MB`,
  );
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
    metric:
      'messages dispatched per second (welcome, mention-capture, sign-in, keyword-reply with 1,000 rules; 200 rooms)',
    ...summary(chunks, 'plugins'),
    machine: machine(),
  });
  await mongo.stop();
  process.exit(0);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
});
