import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The process group of a process (Linux: the fifth field of /proc/<pid>/stat). */
function processGroup(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. qunbot on its
 * embedded database must still stop in order: robots, API, then the database it started last.
 */
describe('qunbot on its embedded database, stopped with Ctrl-C', () => {
  // While it still starts (its database is up, the API not yet): the signal is kept and acted on
  // once started, not left to Node's default (killed, exit code null).
  test.each([
    ['once it has started', 'qunbot started'],
    ['while it is still starting', 'connected to MongoDB'],
  ])(
    'when SIGINT reaches the whole process group %s, then qunbot stops cleanly and stops the database last',
    async (_when, line) => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-ctrl-c-'));
      const dataDir = path.join(home, 'data');
      // detached: qunbot leads a process group of its own, as a shell's foreground job does.
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: home,
          NODE_ENV: 'test',
          PORT: '0',
          DATA_DIR: dataDir,
          MONGODB_EMBEDDED: 'secantus',
          LOG_LEVEL: 'info',
          QUNBOT_ADMIN_KEY: 'ctrl-c-test-admin-key-0123456789',
          QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
          QUNBOT_WEBHOOK_KEY: 'ctrl-c-test-webhook-signing-key-0123456789',
        },
      });
      let output = '';
      const started = new Promise<void>((resolve, reject) => {
        const read = (b: Buffer) => {
          output += b.toString();
          if (output.includes(line)) resolve();
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`qunbot exited (${code}) before it started:\n${output}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await started;
        const { pid: dbPid } = JSON.parse(fs.readFileSync(path.join(dataDir, 'mongo', 'secantus.json'), 'utf8')) as {
          pid: number;
        };
        expect(alive(dbPid)).toBe(true);
        // Out of reach of a signal to qunbot's group: qunbot stops it, after everything else.
        expect(processGroup(child.pid!)).toBe(child.pid);
        expect(processGroup(dbPid)).not.toBe(child.pid);

        process.kill(-child.pid!, 'SIGINT');
        expect(await exited).toBe(0);
        expect(output).toContain('SIGINT received, stopping');
        expect(output).not.toMatch(/connection lost|not stored|failed/i);
        expect(alive(dbPid)).toBe(false);
        expect(fs.existsSync(path.join(dataDir, 'mongo', 'secantus.json'))).toBe(false);
      } finally {
        // The group may be gone already (it exited, the exit event not yet seen): keep the test's own error.
        if (child.exitCode === null) {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // ESRCH: nothing left to kill.
          }
        }
        fs.rmSync(home, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
