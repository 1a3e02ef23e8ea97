import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { testMongoUri } from './mongo';

const ROOT = path.resolve(__dirname, '../..');

/** The environment of a qunbot child on a test database (quiet, port 0, its own HOME and data). */
export function qunbotEnv(home: string, dbName: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: path.join(home, 'data'),
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${dbName}`,
    QUNBOT_ADMIN_KEY: 'child-test-admin-key-0123456789',
    QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    QUNBOT_WEBHOOK_KEY: 'child-test-webhook-signing-key-0123456789',
  };
}

/** qunbot itself (src/main.ts) in a child process, on the test database and the mock's puppet service. */
export function startQunbot(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
} {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  void exited.then((how) => {
    if (how !== 'SIGKILL' && how !== 'SIGTERM' && how !== 0)
      process.stderr.write(`qunbot child exited ${String(how)}: ${stderr}\n`);
  });
  return { child, exited };
}

/**
 * qunbot in a child process whose log is read: `logged(msg)` resolves with the first log line
 * with that message once it has appeared (already or later), e.g. "qunbot started" or "HTTP
 * server listening" (its `url`). Logs JSON at info level whatever `env` says.
 */
export function startLoggedQunbot(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'info', LOG_PRETTY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  type Line = Record<string, unknown> & { msg: string };
  const seen = new Map<string, Line>();
  const waiting = new Map<string, ((line: Line) => void)[]>();
  let rest = '';
  let stderr = '';
  // QUNBOT_CHILD_LOGS=<folder>: each child's log is also written there (to see what a test saw).
  const keep = process.env.QUNBOT_CHILD_LOGS;
  const file = keep ? fs.createWriteStream(path.join(keep, `qunbot-${child.pid}.log`)) : undefined;
  child.stdout.on('data', (b: Buffer) => {
    file?.write(b);
    const lines = (rest + b.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) {
      const line = (() => {
        try {
          return JSON.parse(text) as Line;
        } catch {
          return undefined;
        }
      })();
      if (typeof line?.msg !== 'string') continue;
      if (!seen.has(line.msg)) seen.set(line.msg, line);
      for (const resolve of waiting.get(line.msg) ?? []) resolve(line);
      waiting.delete(line.msg);
    }
  });
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const logged = (msg: string): Promise<Line> => {
    const line = seen.get(msg);
    if (line) return Promise.resolve(line);
    return Promise.race([
      new Promise<Line>((resolve) => waiting.set(msg, [...(waiting.get(msg) ?? []), resolve])),
      exited.then((how): never => {
        throw new Error(`qunbot exited (${String(how)}) before logging "${msg}": ${stderr}`);
      }),
    ]);
  };
  return { child, exited, logged };
}

/** A local receiver of native webhooks: `finished` resolves with the first broadcast.finished event; `events` lists all. */
export async function webhookReceiver() {
  let resolve!: (e: { payload: { counts: Record<string, number>; runId: string } }) => void;
  const finished = new Promise<{ payload: { counts: Record<string, number>; runId: string } }>((r) => (resolve = r));
  const events: { type: string; id: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.end('ok');
      const event = JSON.parse(body) as { type: string; id: string };
      events.push(event);
      if (event.type === 'broadcast.finished') resolve(event as never);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    finished,
    events,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
