import request from 'supertest';
import { apiHarness } from '../support/api';
import { collectionFingerprints, useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  params: string[];
  query: { name: string; schema: Json }[];
  body?: Json;
}

/** Every operation of the OpenAPI document, with what the generator needs to know. */
function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema: Json }[];
      const body = (op.requestBody as { content?: Record<string, { schema: Json }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      out.push({
        method,
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        ...(body ? { body } : {}),
      });
    }
  }
  return out;
}

function resolveRef(doc: Json, schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const name = ref.split('/').pop() as string;
  return ((doc.components as Json).schemas as Json)[name] as Json;
}

const ODD = [
  '\u0000',
  '\ud800',
  '\u202e\u202d',
  '\u200b\ufeff',
  '😀'.repeat(50),
  '𠜎𠜱',
  '\\',
  '$where',
  '{"$gt":""}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '%00',
  ' ',
];
const HUGE = 'x'.repeat(70_000);
/** POSTs that compute an answer from their body and store nothing. */
const READ_ONLY_POSTS = ['/api/v1/sensitive-words/check'];

/** Values of the wrong shape for a property of JSON-schema `schema`. */
function wrongValues(schema: Json): unknown[] {
  // Nullable (a type or null): the wrong values of the type, null being right.
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (types?.length === 2 && types.includes('null'))
    return wrongValues({ ...schema, type: types.find((x) => x !== 'null') }).filter((v) => v !== null);
  const members = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  const nonNull = members?.filter((m) => m.type !== 'null');
  if (members?.length === 2 && nonNull?.length === 1) return wrongValues(nonNull[0]).filter((v) => v !== null);
  const type = schema.type ?? (schema.anyOf || schema.oneOf ? 'union' : undefined);
  const common: unknown[] = [null, [], [[]], { $gt: '' }, HUGE, -1e308, '\ud800'];
  switch (type) {
    case 'string':
      return [
        ...common,
        12345,
        true,
        {},
        ''.padEnd(5001, 'é'),
        ODD[0],
        ODD[2],
        '\u0007',
        '\u001b[31mred',
        'a\u0000b',
        '\udc00x',
      ];
    case 'number':
    case 'integer':
      return [...common, 'NaN', '12', 1.5e300, true, {}];
    case 'boolean':
      return [...common, 'true', 0, 'yes'];
    case 'array':
      return [...common, 'a', 1, { 0: 'a' }, Array.from({ length: 2000 }, () => 'x')];
    case 'object':
      return [...common, 'x', 1, true, { __proto__: { admin: true } }];
    default:
      return [...common, 'x', 1, true, {}];
  }
}

/** Percent-encodes, sending invalid UTF-8 bytes for what has no encoding (a lone surrogate). */
function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

/** Malformed requests for one operation: ids that name nothing, bad queries, bad bodies. */
function* malformed(
  doc: Json,
  op: Operation,
  validId: string,
): Generator<{ label: string; auth?: string | null; run: (agent: ReturnType<typeof request>) => request.Test }> {
  const fill = (v: string) => op.path.replace(/\{(\w+)\}/g, () => enc(v));
  const base = fill(validId);
  const verb = op.method as 'get' | 'post' | 'put' | 'patch' | 'delete';
  // Path parameters that name nothing (never a 5xx: they are 404s).
  if (op.params.length) {
    for (const junk of [
      '000000000000000000000000',
      'zz',
      'x'.repeat(3000),
      '%',
      '..',
      '$ne',
      '\u202e',
      '😀',
      ' ',
      '[object Object]',
      '-1',
      '0x10',
    ]) {
      yield {
        label: `${op.method} ${op.path} id=${junk.slice(0, 20)}`,
        run: (a) => a[verb](fill(junk)).send(op.body ? {} : undefined),
      };
    }
  }
  // Requests without a usable key.
  for (const auth of [
    undefined,
    'Bearer',
    'Basic cXVuYm90OnF1bmJvdA==',
    'Bearer qb_' + 'A'.repeat(43),
    `Bearer ${'k'.repeat(8000)}`,
  ]) {
    yield {
      label: `${op.method} ${op.path} auth=${String(auth).slice(0, 20)}`,
      auth: auth ?? null,
      run: (a) => a[verb](base),
    };
  }
  // Wrong query values.
  for (const q of op.query) {
    for (const v of ['', '-1', '1e999', 'NaN', 'true', '{"$gt":""}', HUGE.slice(0, 5000), ...ODD]) {
      yield {
        label: `${op.method} ${op.path} ?${q.name}=${v.slice(0, 20)}`,
        run: (a) => a[verb](`${base}?${enc(q.name)}=${enc(v)}`),
      };
    }
    yield { label: `${op.method} ${op.path} ?${q.name} twice`, run: (a) => a[verb](`${base}?${q.name}=1&${q.name}=2`) };
    yield { label: `${op.method} ${op.path} ?${q.name}[$gt]`, run: (a) => a[verb](`${base}?${q.name}[$gt]=`) };
  }
  if (!op.body) return;
  // Bodies that are not what the endpoint takes.
  const rawBodies: [string, string][] = [
    ['application/json', '{"name":'],
    ['application/json', '{"a":1}}'],
    ['application/json', 'null'],
    ['application/json', '42'],
    ['application/json', '"text"'],
    ['application/json', '[]'],
    ['application/json', '['.repeat(100_000)],
    ['application/json', `{"x":"${'y'.repeat(300_000)}"}`],
    ['application/json', '{"__proto__":{"admin":true}}'],
    ['application/json', '{"constructor":{"prototype":{"admin":true}}}'],
    ['application/json; charset=latin1', '{"a":"\u00e9"}'],
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'name=x&owner=y'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
    ['application/xml', '<a/>'],
  ];
  for (const [type, raw] of rawBodies) {
    yield {
      label: `${op.method} ${op.path} body ${type} ${raw.slice(0, 20)}`,
      run: (a) => a[verb](base).set('Content-Type', type).send(raw),
    };
  }
  const schema = resolveRef(doc, op.body);
  const props = (schema.properties ?? {}) as Record<string, Json>;
  for (const [name, prop] of Object.entries(props)) {
    for (const v of wrongValues(resolveRef(doc, prop))) {
      yield {
        label: `${op.method} ${op.path} body.${name}=${JSON.stringify(v)?.slice(0, 20)}`,
        run: (a) => a[verb](base).send({ [name]: v }),
      };
    }
  }
}

/** Every collection but the API keys (verifying a key notes when it was used). */
const snapshot = () => collectionFingerprints(t.db, ['apikeys']);

describe('robustness: malformed requests across every native endpoint', () => {
  test('when 1,000+ generated malformed requests arrive, then none is a 5xx, none hangs, and nothing is written', async () => {
    const h = await apiHarness(t.db);
    const robot = await h.runtime.manager.create({ name: 'r', owner: 'robust' });
    await h.runtime.rooms.sync(robot.id, undefined, [{ puppetId: 'room-1@chatroom', topic: 'Room 1', memberCount: 3 }]);
    const doc = h.native.document() as Json;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(40);
    expect(ops.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/robots',
        '/api/v1/rooms/{id}',
        '/api/v1/rooms/{id}/statistics',
        '/api/v1/statistics/day',
        '/api/v1/sensitive-words',
        '/api/v1/sensitive-words/{id}',
        '/api/v1/sensitive-words/check',
        '/api/v1/group-owners/assign',
        '/api/v1/group-owners/{userId}',
        '/api/v1/group-owners/{userId}/groups',
        '/api/v1/rooms/{id}/group-owner',
        '/api/v1/rooms/{id}/cancel',
        '/api/v1/rooms/star-ratings',
        '/api/v1/rooms/{id}/star-ratings',
        '/api/v1/group-owners/{userId}/sign-out',
        '/api/v1/rooms/{id}/launch',
        '/api/v1/rooms/{id}/launch-history',
        '/api/v1/launch-tasks',
        '/api/v1/launch-tasks/{taskId}',
        '/api/v1/messages',
        '/api/v1/keyword-rules',
        '/api/v1/mentions/{id}/reply',
        '/api/v1/sign-in-rules',
        '/api/v1/webhooks',
        '/api/v1/api-keys',
        '/api/v1/sessions',
        '/api/v1/me/password',
        '/api/v1/operators/{id}',
        '/api/v1/roles/{id}',
        '/api/v1/audit',
        '/api/v1/companies/{owner}',
        '/api/v1/script-groups/{id}/items',
        '/api/v1/script-items/{id}/send',
      ]),
    );

    const before = await snapshot();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const agent = () => request(h.server);
    for (const op of ops) {
      for (const c of malformed(doc, op, robot.id)) {
        const req = c.run(agent());
        if (c.auth === undefined) req.set('Authorization', `Bearer ${h.adminKey}`);
        else if (c.auth !== null) req.set('Authorization', c.auth);
        const res = await req.timeout(10_000);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const refused = res.status >= 400 && typeof res.body?.error?.code === 'string';
        // A GET (or a POST that only reads, such as checking a text) with an odd but well-formed
        // value may answer 200 (it writes nothing: the snapshot below); anything else must be refused.
        const reads = op.method === 'get' || READ_ONLY_POSTS.includes(op.path);
        if (res.status >= 500 || (!refused && !(reads && res.status === 200)))
          failures.push(`${c.label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(await snapshot()).toEqual(before);
    // Every kind of refusal showed up (so the generator really exercised parsing and validation).
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404, 413, 415]));
  }, 300_000);
});
