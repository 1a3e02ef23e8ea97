import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../lib/free-port';
import { packageRoot } from '../lib/package-root';
import type { Logger } from '../logger';

/** A MongoDB-wire server qunbot started (or found running) for itself. */
export interface EmbeddedMongo {
  uri: string;
  kind: 'memory-server' | 'secantus';
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** `auto` tries mongodb-memory-server, then SecantusDB. */
  mode: 'auto' | 'memory-server' | 'secantus';
  /** Persistent data folder; undefined means in-memory (tests). */
  dataDir?: string;
  log: Logger;
}

const ROOT = packageRoot(__dirname);
const SCRIPT = path.join(ROOT, 'scripts', 'mongo-test-server.sh');

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Thrown when `auto` finds no mongod to run without downloading one. */
class NoCachedMongod extends Error {}

async function startMemoryServer(opts: EmbeddedOptions): Promise<EmbeddedMongo> {
  // A dev dependency: absent in production installs, and it downloads mongod on first use.
  const { MongoMemoryServer, DryMongoBinary } = await import('mongodb-memory-server');
  // `auto` uses mongod only when one is cached or on the system: a download attempt on a machine
  // without internet prints a long stack trace and costs seconds before SecantusDB takes over.
  if (opts.mode === 'auto' && !(await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions())))
    throw new NoCachedMongod('no cached mongod binary (MONGODB_EMBEDDED=memory-server downloads one)');
  const dbPath = opts.dataDir ? path.join(opts.dataDir, 'mongod') : undefined;
  if (dbPath) fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: { ip: '127.0.0.1', ...(dbPath ? { dbPath, storageEngine: 'wiredTiger' as const } : {}) },
  });
  return {
    uri: server.getUri(),
    kind: 'memory-server',
    stop: async () => {
      await server.stop({ doCleanup: !dbPath });
    },
  };
}

interface SecantusState {
  pid: number;
  port: number;
}

async function startSecantus(opts: EmbeddedOptions): Promise<EmbeddedMongo> {
  // Without a data folder (tests, benchmarks): a throwaway folder on disk without checkpoints,
  // removed at stop. Either way SecantusDB runs --standalone (scripts/mongo-test-server.sh says
  // why: with its oplog on, a first insert racing a collection's creation can deadlock it).
  const throwaway = opts.dataDir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-secantus-'));
  const storage = opts.dataDir ? path.resolve(opts.dataDir, 'secantus') : (throwaway as string);
  const stateFile = opts.dataDir ? path.resolve(opts.dataDir, 'secantus.json') : undefined;
  if (stateFile && fs.existsSync(stateFile)) {
    // A server left running by a previous qunbot (killed with -9) still holds the data folder: reuse it.
    const prev = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SecantusState;
    if (isAlive(prev.pid) && (await canConnect(prev.port))) {
      opts.log.info({ pid: prev.pid, port: prev.port }, 'reusing the running embedded SecantusDB');
      return {
        uri: `mongodb://127.0.0.1:${prev.port}/`,
        kind: 'secantus',
        stop: async () => stopPid(prev.pid, stateFile),
      };
    }
  }
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  const port = await freePort();
  // A process group of its own: Ctrl-C signals the terminal's whole foreground group, and the
  // database must outlive qunbot's shutdown (qunbot stops it last, below).
  const child = spawn('bash', [SCRIPT, 'run', storage, String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: throwaway ? { ...process.env, SECANTUS_TEST_FAST_STORAGE: '1' } : process.env,
  });
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`SecantusDB exited (code ${code}) before listening:\n${output}`));
    child.once('exit', onExit);
    child.once('error', reject);
    const poll = async () => {
      if (child.exitCode !== null) return;
      if (await canConnect(port)) {
        child.off('exit', onExit);
        resolve();
        return;
      }
      setTimeout(poll, 100).unref();
    };
    void poll();
  });
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  if (stateFile && child.pid)
    fs.writeFileSync(stateFile, JSON.stringify({ pid: child.pid, port } satisfies SecantusState));
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    kind: 'secantus',
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (stateFile) fs.rmSync(stateFile, { force: true });
      if (throwaway) fs.rmSync(throwaway, { recursive: true, force: true });
    },
  };
}

async function stopPid(pid: number, stateFile: string): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  fs.rmSync(stateFile, { force: true });
}

/**
 * Starts an embedded MongoDB-wire server: mongodb-memory-server where a mongod binary is cached
 * or on the system (`auto`; `memory-server` also downloads one), otherwise SecantusDB (installed from PyPI into .venv by scripts/mongo-test-server.sh).
 */
export async function startEmbeddedMongo(opts: EmbeddedOptions): Promise<EmbeddedMongo> {
  const errors: string[] = [];
  if (opts.mode === 'auto' || opts.mode === 'memory-server') {
    try {
      return await startMemoryServer(opts);
    } catch (err) {
      errors.push(`mongodb-memory-server: ${(err as Error).message.split('\n')[0]}`);
      if (!(err instanceof NoCachedMongod))
        opts.log.info({ reason: errors[errors.length - 1] }, 'mongodb-memory-server unavailable');
    }
  }
  if (opts.mode === 'auto' || opts.mode === 'secantus') {
    try {
      return await startSecantus(opts);
    } catch (err) {
      errors.push(`SecantusDB: ${(err as Error).message}`);
    }
  }
  throw new Error(`No embedded MongoDB could be started:\n  ${errors.join('\n  ')}`);
}
