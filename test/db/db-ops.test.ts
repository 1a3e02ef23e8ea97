import { Schema } from 'mongoose';
import { modelsReady } from '../../src/db/connection';
import { insertAbsent, updateByIdThenRead } from '../../src/db/ops';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

function model() {
  const schema = new Schema({ status: String, n: Number, key: { type: String, unique: true, sparse: true } });
  return t.db.connection.models.Claimable ?? t.db.connection.model('Claimable', schema);
}

describe('updateByIdThenRead', () => {
  test('when ten callers claim one document by its status at once, then exactly one gets it, as updated', async () => {
    const M = model();
    await M.init();
    const doc = await M.create({ status: 'queued', n: 0 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        updateByIdThenRead(M, { _id: doc._id, status: 'queued' }, { $set: { status: 'sending' }, $inc: { n: 1 } }),
      ),
    );
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ status: 'sending', n: 1 });
    expect((await M.findById(doc._id).lean())?.n).toBe(1);
  });

  test('when nothing matches (wrong status or unknown id), then it answers null and changes nothing', async () => {
    const M = model();
    const doc = await M.create({ status: 'sent', n: 5 });
    expect(await updateByIdThenRead(M, { _id: doc._id, status: 'queued' }, { $inc: { n: 1 } })).toBeNull();
    expect(await updateByIdThenRead(M, { _id: '64b000000000000000000000' }, { $inc: { n: 1 } })).toBeNull();
    expect((await M.findById(doc._id).lean())?.n).toBe(5);
  });
});

describe('insertAbsent', () => {
  test('when some documents are already there, then the others are still inserted and it says so', async () => {
    const M = model();
    await M.init();
    await M.create({ key: 'a', n: 1 });
    expect(
      await insertAbsent(M, [
        { key: 'a', n: 2 },
        { key: 'b', n: 2 },
        { key: 'c', n: 2 },
      ]),
    ).toBe(true);
    expect(
      (
        await M.find({ key: { $in: ['a', 'b', 'c'] } })
          .sort({ key: 1 })
          .lean()
      ).map((d) => [d.key, d.n]),
    ).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
    ]);
    expect(await insertAbsent(M, [{ key: 'd', n: 3 }])).toBe(false);
  });
});

describe('modelsReady', () => {
  test('when it resolves, then every registered model has its collection and its unique indexes', async () => {
    const conn = t.db.connection;
    const names = ['ReadyA', 'ReadyB', 'ReadyC'];
    for (const name of names)
      if (!conn.models[name])
        conn.model(name, new Schema({ code: { type: String, unique: true }, at: { type: Date, index: true } }));
    await modelsReady(conn);
    for (const name of names) {
      const indexes = await conn.models[name].collection.indexes();
      expect(indexes.map((i) => [i.name, i.unique ?? false]).sort()).toEqual([
        ['_id_', false],
        ['at_1', false],
        ['code_1', true],
      ]);
    }
  });
});
