/**
 * Runs every benchmark folder under bench/ (or the ones named: `npm run bench -- keywords`).
 * The benchmarks are compiled with tsc first (tsconfig.bench.json -> dist-bench/), so they
 * measure the JavaScript that production runs, not a dev-time transpiler's output. Each
 * bench/<name>/index.ts runs in its own process and prints, as its last line, one JSON object:
 * {"bench","metric","qunbot","baseline","ratio","target","unit"}. This runner collects those
 * lines and prints them as a summary; it exits non-zero when a benchmark fails to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = __dirname;
const all = fs
  .readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(here, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ') || '(none yet)'}\n`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : all;
if (names.length === 0) process.stdout.write('no benchmarks yet\n');

const root = path.join(here, '..');
const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.bench.json')],
  { stdio: 'inherit' },
);
if (build.status !== 0) {
  process.stderr.write('compiling the benchmarks failed\n');
  process.exit(1);
}

const results: unknown[] = [];
let failed = false;
for (const name of names) {
  process.stderr.write(`== bench ${name}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'dist-bench', 'bench', name, 'index.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' },
  });
  process.stdout.write(r.stdout);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    results.push(JSON.parse(last));
  } catch {
    failed = true;
    process.stderr.write(`bench ${name} did not end with a JSON line (exit ${r.status})\n`);
  }
  if (r.status !== 0) failed = true;
}
if (results.length > 1) process.stdout.write(`${JSON.stringify({ summary: results })}\n`);
process.exit(failed ? 1 : 0);
