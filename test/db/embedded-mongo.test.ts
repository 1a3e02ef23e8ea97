import { DryMongoBinary } from 'mongodb-memory-server';
import { startEmbeddedMongo } from '../../src/db/embedded-mongo';
import { memoryLog } from '../support/logger';

describe('the embedded database in auto mode', () => {
  test('when no mongod is cached, then SecantusDB starts at once with one info line and no download attempt', async () => {
    // This machine has no internet and no cached mongod (the premise of the test).
    expect(await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions())).toBeUndefined();
    const { log, lines } = memoryLog('info');
    const server = await startEmbeddedMongo({ mode: 'auto', log });
    try {
      expect(server.kind).toBe('secantus');
      expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+/);
      expect(lines.map((l) => l.msg)).toEqual(['embedded database: SecantusDB']);
      expect(lines[0]).toMatchObject({ embedded: 'secantus', why: expect.stringContaining('no cached mongod') });
    } finally {
      await server.stop();
    }
  });
});
