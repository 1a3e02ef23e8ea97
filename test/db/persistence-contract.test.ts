import { useTestDatabase } from '../support/mongo';
import { contractModels } from './contract.model';

/**
 * What qunbot relies on from its MongoDB-wire server. Run against each candidate server; a
 * feature the server lacks fails here, loudly (see the README's compatibility table).
 */
// File-level, so its teardown runs after every describe's own afterAll.
const t = useTestDatabase(__filename);

describe('persistence contract', () => {
  let m: ReturnType<typeof contractModels>;

  beforeAll(async () => {
    m = contractModels(t.db.connection);
    await Promise.all(Object.values(m).map((model) => model.syncIndexes()));
  });

  test('when a unique value is inserted twice, then the second insert is rejected with 11000', async () => {
    await m.Account.create({ name: 'alice' });
    await expect(m.Account.create({ name: 'alice' })).rejects.toMatchObject({ code: 11000 });
    expect(await m.Account.countDocuments({ name: 'alice' })).toBe(1);
  });

  test('when a compound unique key repeats, then only that combination is rejected', async () => {
    await m.SignIn.create({ room: 'r1', member: 'm1', day: '2026-11-22' });
    await m.SignIn.create({ room: 'r1', member: 'm1', day: '2026-11-23' });
    await m.SignIn.create({ room: 'r2', member: 'm1', day: '2026-11-22' });
    await expect(m.SignIn.create({ room: 'r1', member: 'm1', day: '2026-11-22' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await m.SignIn.countDocuments()).toBe(3);
  });

  test('when many concurrent duplicate inserts race, then exactly one lands', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => m.SignIn.create({ room: 'race', member: 'm', day: 'd' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await m.SignIn.countDocuments({ room: 'race' })).toBe(1);
  });

  test('when findOneAndUpdate upserts, then the document is created once and returned', async () => {
    const first = await m.Job.findOneAndUpdate(
      { key: 'k1' },
      { $setOnInsert: { status: 'queued' } },
      { upsert: true, returnDocument: 'after' },
    );
    const second = await m.Job.findOneAndUpdate(
      { key: 'k1' },
      { $setOnInsert: { status: 'other' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(first?.status).toBe('queued');
    expect(second?._id.toString()).toBe(first?._id.toString());
    expect(second?.status).toBe('queued');
  });

  test('when ten workers claim one job with a status guard, then exactly one wins', async () => {
    await m.Job.create({ key: 'claim-me', status: 'queued' });
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        m.Job.findOneAndUpdate(
          { key: 'claim-me', status: 'queued' },
          { $set: { status: 'sending', owner: `w${i}` }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        ),
      ),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    const stored = await m.Job.findOne({ key: 'claim-me' }).lean();
    expect(stored).toMatchObject({ status: 'sending', attempts: 1, owner: winners[0]?.owner });
  });

  test('when $inc runs concurrently, then no increment is lost', async () => {
    const a = await m.Account.create({ name: 'counter' });
    await Promise.all(Array.from({ length: 50 }, () => m.Account.updateOne({ _id: a._id }, { $inc: { points: 2 } })));
    expect((await m.Account.findById(a._id).lean())?.points).toBe(100);
  });

  test('when a field is select:false, then it is hidden unless asked for', async () => {
    await m.Account.create({ name: 'secretive', secretHash: 'h' });
    const plain = await m.Account.findOne({ name: 'secretive' }).lean();
    const withSecret = await m.Account.findOne({ name: 'secretive' }).select('+secretHash').lean();
    expect(plain).not.toHaveProperty('secretHash');
    expect(withSecret?.secretHash).toBe('h');
  });

  test('when a TTL index is declared, then the server stores it with its expiry', async () => {
    const indexes = await m.LogEntry.collection.indexes();
    const ttl = indexes.find((i) => i.key.at === 1);
    expect(ttl?.expireAfterSeconds).toBe(3600);
  });

  test('when aggregating with $match/$group/$sort/$limit, then totals are right and ordered', async () => {
    await m.Sale.insertMany([
      { room: 'a', amount: 5 },
      { room: 'b', amount: 7 },
      { room: 'a', amount: 6 },
      { room: 'c', amount: 1 },
      { room: 'x', amount: 100 },
    ]);
    const rows = await m.Sale.aggregate<{ _id: string; total: number; n: number }>([
      { $match: { room: { $in: ['a', 'b', 'c'] } } },
      { $group: { _id: '$room', total: { $sum: '$amount' }, n: { $sum: 1 } } },
      { $sort: { total: -1, _id: 1 } },
      { $limit: 2 },
    ]);
    expect(rows).toEqual([
      { _id: 'a', total: 11, n: 2 },
      { _id: 'b', total: 7, n: 1 },
    ]);
  });

  test('when paging by _id cursor, then every document is seen once in order', async () => {
    await m.Sale.deleteMany({});
    await m.Sale.insertMany(Array.from({ length: 23 }, (_, i) => ({ room: `p${i}`, amount: i })));
    const seen: number[] = [];
    let after: unknown = undefined;
    for (;;) {
      const filter = after ? { _id: { $gt: after } } : {};
      const page = await m.Sale.find(filter).sort({ _id: 1 }).limit(5).lean();
      if (page.length === 0) break;
      seen.push(...page.map((d) => d.amount as number));
      after = page[page.length - 1]._id;
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  test('when a transaction commits, then its writes appear; when it aborts, then none do', async () => {
    const session = await t.db.connection.startSession();
    try {
      await session.withTransaction(async () => {
        await m.Account.create([{ name: 'tx-commit' }], { session });
      });
      await expect(
        session.withTransaction(async () => {
          await m.Account.create([{ name: 'tx-abort' }], { session });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
    } finally {
      await session.endSession();
    }
    expect(await m.Account.countDocuments({ name: 'tx-commit' })).toBe(1);
    expect(await m.Account.countDocuments({ name: 'tx-abort' })).toBe(0);
  });
});
