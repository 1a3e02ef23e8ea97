import { DryMongoBinary } from 'mongodb-memory-server';
import { startEmbeddedMongo } from '../../src/db/embedded-mongo';
import { memoryLog } from '../support/logger';

// Starting SecantusDB (a Python process) takes seconds, more on a two-core machine busy with
// other suites: the time limit only bounds a hang, it measures nothing.
jest.setTimeout(90_000);

describe('the embedded database in auto mode', () => {
  // Kept so the server is stopped even when the test gives up first (a server left running keeps
  // jest from exiting).
  let starting: ReturnType<typeof startEmbeddedMongo> | undefined;
  afterAll(async () => {
    await (await starting?.catch(() => undefined))?.stop();
  }, 120_000);

  test('when no mongod is cached, then SecantusDB starts at once, without a download attempt or a line about it', async () => {
    // This machine has no internet and no cached mongod (the premise of the test).
    expect(await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions())).toBeUndefined();
    const { log, lines } = memoryLog('info');
    starting = startEmbeddedMongo({ mode: 'auto', log });
    const server = await starting;
    expect(server.kind).toBe('secantus');
    expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+/);
    // Nothing about mongod: the caller logs the one line naming the server used.
    expect(lines.map((l) => l.msg)).toEqual([]);
  });
});
