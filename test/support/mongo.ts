import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectDatabase, type Database } from '../../src/db/connection';
import { silentLog } from './logger';

export function testMongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: jest global setup should have set it');
  return uri;
}

/** A database name of this test file's own, dropped after the file. */
export function uniqueDbName(hint = 'test'): string {
  const base = path.basename(hint).replace(/\W+/g, '_').slice(0, 30);
  return `qb_${base}_${randomBytes(4).toString('hex')}`;
}

/**
 * Gives the calling test file its own database: connected in beforeAll, dropped and closed in
 * afterAll. Read `.db` inside tests.
 */
export function useTestDatabase(hint = expect.getState().testPath ?? 'test'): { readonly db: Database } {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await connectDatabase({
      uri: testMongoUri(),
      dbName: uniqueDbName(hint),
      serverSelectionTimeoutMs: 5000,
      log: silentLog,
      attempts: 1,
    });
  });
  afterAll(async () => {
    if (!db) return;
    await db.connection.dropDatabase();
    await db.close();
  });
  return {
    get db() {
      if (!db) throw new Error('test database used outside a test');
      return db;
    },
  };
}

/**
 * A fingerprint of every collection but `except` (those a request touches by design): two equal
 * fingerprints mean nothing was written in between.
 */
export async function collectionFingerprints(
  database: Database,
  except: readonly string[] = [],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const db = database.connection.db;
  if (!db) throw new Error('no database');
  for (const c of await db.listCollections().toArray()) {
    // The process's own heartbeat (several processes) changes on a timer, not by any request.
    if (except.includes(c.name) || c.name === 'fleetprocesses') continue;
    const docs = await db.collection(c.name).find().sort({ _id: 1 }).toArray();
    out[c.name] = createHash('sha256').update(JSON.stringify(docs)).digest('hex');
  }
  return out;
}
