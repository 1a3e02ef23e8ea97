import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  test('when a module logs secrets by their usual names, then they are redacted', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', pretty: false }, stream).child({ module: 'x' });
    log.info({ token: 't0k3n', robot: { token: 'inner', name: 'bot' }, password: 'pw' }, 'hello');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/t0k3n|inner|"pw"/);
    expect(lines[0]).toMatchObject({ module: 'x', msg: 'hello', robot: { name: 'bot', token: '[redacted]' } });
  });

  test('when the level is warn, then info lines are dropped', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'warn', pretty: false }, stream);
    log.info('quiet');
    log.warn('loud');
    expect(lines.map((l) => l.msg)).toEqual(['loud']);
  });
});
