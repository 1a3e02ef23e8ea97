import { ApiKeyService, hashKey } from '../../src/auth/api-key.service';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

describe('API keys', () => {
  test('when a key is created, then only its hash is stored and verify finds its owner', async () => {
    const keys = new ApiKeyService(t.db.connection);
    const made = await keys.create({ name: 'acme', owner: 'acme' });
    const stored = await t.db.connection
      .collection('apikeys')
      .findOne({ _id: new (await import('mongoose')).Types.ObjectId(made.id) });
    expect(stored?.hash).toBe(hashKey(made.key));
    expect(JSON.stringify(stored)).not.toContain(made.key);
    expect(await keys.verify(made.key)).toEqual({ keyId: made.id, owner: 'acme', admin: false });
    expect(await keys.verify(`${made.key}x`)).toBeNull();
    expect(await keys.verify('')).toBeNull();
  });

  test('when two processes bootstrap at once on an empty database, then exactly one admin key is made and shown', async () => {
    const shown = await Promise.all(
      [new ApiKeyService(t.db.connection), new ApiKeyService(t.db.connection)].map((k) => k.bootstrap()),
    );
    expect(shown.filter(Boolean)).toHaveLength(1);
    const key = shown.find(Boolean) as string;
    expect(await new ApiKeyService(t.db.connection).verify(key)).toMatchObject({ admin: true });
    expect(await new ApiKeyService(t.db.connection).bootstrap()).toBeUndefined();
  });

  test('when the admin key comes from the environment, then it works, is stored hashed, and is not shown', async () => {
    const keys = new ApiKeyService(t.db.connection);
    const fromEnv = 'env-admin-key-0123456789abcdef';
    expect(await keys.bootstrap(fromEnv)).toBeUndefined();
    expect(await keys.bootstrap(fromEnv)).toBeUndefined();
    expect(await keys.verify(fromEnv)).toMatchObject({ admin: true });
    expect(await t.db.connection.collection('apikeys').countDocuments({ hash: hashKey(fromEnv) })).toBe(1);
  });
});
