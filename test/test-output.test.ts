import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Runs jest on the fixtures under test/fixtures/test-output with the project's own config. */
function runFixtureJest(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--config',
        path.join(ROOT, 'jest.config.js'),
        '--roots',
        '<rootDir>/test/fixtures/test-output',
        '--testMatch',
        '**/*.fixture.ts',
        '--runInBand',
      ],
      { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the test run prints what a developer needs', () => {
  test("the known deprecations of test-only tools (grpc-js start(), madge's parser) are not printed; other warnings are", async () => {
    const { code, output } = await runFixtureJest();
    expect(output).toContain('1 passed');
    expect(code).toBe(0);
    expect(output).not.toContain('Calling start() is no longer necessary');
    expect(output).not.toContain('TSImportType');
    expect(output).toContain('qunbot-fixture: other deprecations still show');
  });
});
