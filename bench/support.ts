import os from 'node:os';
import pino from 'pino';
import { WechatyBuilder, type Wechaty } from 'wechaty';
import { PuppetService } from 'wechaty-puppet-service';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/db/embedded-mongo';

/** One benchmark result line (DESIGN.md §6); ratio is oriented so that higher is better. */
export interface BenchResult {
  bench: string;
  metric: string;
  qunbot: number;
  baseline: number;
  ratio: number;
  target: number;
  unit: string;
  [extra: string]: unknown;
}

export function printResult(r: BenchResult): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

export function machine(): { cpus: number; cpu: string; node: string } {
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * BENCH_MONGODB_URI, else a fresh throwaway SecantusDB for this benchmark alone (so a benchmark
 * never shares, or wears down, the test server).
 */
export async function benchMongo(): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.BENCH_MONGODB_URI) return { uri: process.env.BENCH_MONGODB_URI, stop: async () => undefined };
  const server: EmbeddedMongo = await startEmbeddedMongo({ mode: 'secantus', log: pino({ level: 'warn' }) });
  return { uri: server.uri, stop: () => server.stop() };
}

/** A bare Wechaty client of a puppet-service server (the baseline of the heap and start-up figures), logged in. */
export async function bareServiceClient(server: { token: string; endpoint: string }): Promise<Wechaty> {
  const bot = WechatyBuilder.build({
    puppet: new PuppetService({ token: server.token, endpoint: server.endpoint, tls: { disable: true } }) as never,
  });
  bot.on('error', () => undefined);
  const login = new Promise<void>((r) => bot.on('login', () => r()));
  await bot.start();
  await login;
  return bot;
}

/** The heap in use after three garbage collections (the process runs with --expose-gc). */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
