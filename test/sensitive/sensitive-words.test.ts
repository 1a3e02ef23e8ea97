import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SensitiveWordService } from '../../src/sensitive/sensitive-words.service';
import { apiHarness } from '../support/api';
import { useTestDatabase } from '../support/mongo';
import { robotWithRoom } from '../support/plugin-rooms';

/**
 * Sensitive words over the native API: a global list and one per owner; every written text
 * (welcome, keyword replies, broadcast materials, script items, the robot's nickname) holding a
 * listed word is refused with 400 sensitive_word naming the field and the span, and nothing is
 * stored.
 */
const t = useTestDatabase(__filename);

describe('sensitive words', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let alice: Awaited<ReturnType<typeof h.owner>>;
  let bob: Awaited<ReturnType<typeof h.owner>>;
  let room: Awaited<ReturnType<typeof robotWithRoom>>['room'];
  let globalId: string;
  let aliceId: string;
  beforeAll(async () => {
    h = await apiHarness(t.db);
    alice = await h.owner('alice');
    bob = await h.owner('bob');
    room = (await robotWithRoom(h.runtime, 'alice', '安全群')).room;
  });

  test('when an admin lists global words and an owner its own, then repeats however spelled come back as existing', async () => {
    const global = await h.admin.post('/api/v1/sensitive-words').send({ global: true, words: ['赌博'] });
    expect(global.status).toBe(201);
    expect(global.body.added).toEqual([expect.objectContaining({ owner: null, word: '赌博' })]);
    globalId = global.body.added[0].id;
    const own = await alice.post('/api/v1/sensitive-words').send({ words: ['代开发票', '代 開 發 票', 'VPN'] });
    expect(own.status).toBe(201);
    expect(own.body.added.map((w: { word: string }) => w.word)).toEqual(['代开发票', 'VPN']);
    expect(own.body.existing).toEqual(['代 開 發 票']);
    aliceId = own.body.added[0].id;
    expect((await alice.post('/api/v1/sensitive-words').send({ words: ['ｖｐｎ'] })).body.existing).toEqual(['ｖｐｎ']);
    // Alice sees hers and the global ones, not Bob's; Bob may not touch the global list.
    await bob.post('/api/v1/sensitive-words').send({ words: ['团购'] });
    const seen = (await alice.get('/api/v1/sensitive-words')).body.items.map((w: { word: string }) => w.word);
    expect(seen.sort()).toEqual(['VPN', '代开发票', '赌博']);
    const refused = await bob.post('/api/v1/sensitive-words').send({ global: true, words: ['x'] });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    const empty = await alice.post('/api/v1/sensitive-words').send({ words: ['好', '!!'] });
    expect([empty.status, empty.body.error.details[0].path]).toEqual([400, 'words.1']);
  });

  test.each([
    [
      'the welcome text',
      'put',
      (): string => `/api/v1/rooms/${room.id}/welcome`,
      { text: '欢迎！一起賭 博吗' },
      'text',
      '賭 博',
    ],
    [
      'a keyword reply',
      'post',
      (): string => '/api/v1/keyword-rules',
      {
        keywords: ['发票'],
        replies: [
          { type: 'image', url: 'https://x.test/a.png' },
          { type: 'text', text: '可以代-开发票' },
        ],
      },
      'replies.1.text',
      '代-开发票',
    ],
    [
      'a broadcast link title',
      'post',
      (): string => '/api/v1/broadcasts',
      {
        name: '周末',
        materials: [{ type: 'link', title: '最新 V.P.N 教程', url: 'https://x.test/' }],
        targets: { mode: 'all' },
        schedule: { kind: 'once', at: new Date(Date.now() + 3_600_000).toISOString() },
      },
      'materials.0.title',
      'V.P.N',
    ],
    [
      'the robot’s nickname',
      'patch',
      (): string => `/api/v1/rooms/${room.id}`,
      { robotNickname: '赌博小助手' },
      'robotNickname',
      '赌博',
    ],
  ] as const)(
    'when %s holds a listed word, then 400 sensitive_word names the field and span, and nothing is stored',
    async (_what, method, url, body, field, span) => {
      const before = await snapshot();
      const res = await alice[method](url()).send(body);
      expect([res.status, res.body.error.code]).toEqual([400, 'sensitive_word']);
      const [detail] = res.body.error.details;
      expect(detail.path).toBe(field);
      const text = field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], body) as string;
      expect(text.slice(detail.start, detail.end)).toBe(span);
      expect(await snapshot()).toEqual(before);
    },
  );

  test('when a script item holds a word, then it is refused; another owner is not bound by Alice’s own list', async () => {
    const group = await alice.post('/api/v1/script-groups').send({ name: '售后' });
    const item = await alice.post(`/api/v1/script-groups/${group.body.id}/items`).send({ text: '需要代开发票请私聊' });
    expect([item.status, item.body.error.code]).toEqual([400, 'sensitive_word']);
    const fine = await alice.post(`/api/v1/script-groups/${group.body.id}/items`).send({ text: '请提供订单号' });
    expect(fine.status).toBe(201);
    const patched = await alice.patch(`/api/v1/script-items/${fine.body.id}`).send({ text: '赌博' });
    expect(patched.body.error.code).toBe('sensitive_word');
    const bobs = await bob.post('/api/v1/script-groups').send({ name: '售后' });
    expect((await bob.post(`/api/v1/script-groups/${bobs.body.id}/items`).send({ text: '代开发票' })).status).toBe(201);
    expect((await bob.post(`/api/v1/script-groups/${bobs.body.id}/items`).send({ text: '赌博' })).status).toBe(400);
  });

  test('when a text is checked, then the hits come back with their spans', async () => {
    const res = await alice.post('/api/v1/sensitive-words/check').send({ text: '代开发票，赌博' });
    expect(res.body).toEqual({
      ok: false,
      hits: [
        { word: '代开发票', start: 0, end: 4 },
        { word: '赌博', start: 5, end: 7 },
      ],
    });
    expect((await bob.post('/api/v1/sensitive-words/check').send({ text: '代开发票' })).body.ok).toBe(true);
  });

  test('when words are removed, then texts with them pass again; an owner cannot remove a global or another owner’s word', async () => {
    expect((await bob.delete(`/api/v1/sensitive-words/${aliceId}`)).status).toBe(404);
    expect((await alice.delete(`/api/v1/sensitive-words/${globalId}`)).status).toBe(404);
    expect((await alice.delete(`/api/v1/sensitive-words/${aliceId}`)).status).toBe(200);
    expect((await h.admin.delete(`/api/v1/sensitive-words/${globalId}`)).status).toBe(200);
    const res = await alice.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: '代开发票 赌博' });
    expect(res.status).toBe(200);
  });

  test('when a words file is configured, then its words are screened for every owner and counted in the list', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'words-')), 'words.txt');
    fs.writeFileSync(file, '# 全局词表\n刷单\n\n  返利  \n');
    const words = new SensitiveWordService(t.db.connection, { wordsFile: file });
    expect(words.fileSize).toBe(2);
    expect((await words.screenFor('anyone')).check('刷 单返利').map((x) => x.word)).toEqual(['刷单', '返利']);
    expect(() => new SensitiveWordService(t.db.connection, { wordsFile: `${file}.missing` })).toThrow(
      /cannot read the sensitive-words file/,
    );
  });
});

/** Every collection but the API keys and the words, as a comparable value. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const db = t.db.connection.db;
  if (!db) throw new Error('no database');
  const out: Record<string, unknown[]> = {};
  for (const c of await db.listCollections().toArray())
    if (!['apikeys', 'sensitivewords'].includes(c.name)) out[c.name] = await db.collection(c.name).find().toArray();
  return out;
}
