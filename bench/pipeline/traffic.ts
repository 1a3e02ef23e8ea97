/**
 * The traffic bench/pipeline dispatches: 200 rooms of five people each around one logged-in
 * robot, on an in-process PuppetMock, and a driver that sends a chunk of room messages and
 * resolves when the listener under test has seen every one.
 */
import { randomUUID } from 'node:crypto';
import { mock } from 'wechaty-puppet-mock';

export const ROOMS = 200;

export interface World {
  mocker: mock.Mocker;
  user: mock.ContactMock;
  rooms: { room: mock.RoomMock; people: mock.ContactMock[] }[];
}

export function world(mocker: mock.Mocker): World {
  const user = mocker.createContact({ name: 'Bench Bot' });
  const rooms = Array.from({ length: ROOMS }, (_, i) => {
    const people = mocker.createContacts(5);
    return {
      room: mocker.createRoom({
        topic: `Room ${i}`,
        memberIdList: [user.id, ...people.map((p) => p.id)],
        ownerId: people[0].id,
      }),
      people,
    };
  });
  return { mocker, user, rooms };
}

export interface ChunkResult {
  /** Messages per second from the first send to the last one seen. */
  rate: number;
  /** Median time from a message's send to its arrival at the listener, ms. */
  latencyMs: number;
}

/** Where the variant under test reports each message text it dispatched. */
export type Listen = (onText: (text: string) => void) => void;

/**
 * Sends `count` room messages (200 per event-loop turn, round-robin over the rooms) and resolves
 * once the listener has seen them all. Afterwards the mock forgets the delivered messages: it
 * keeps every message it ever made, and a growing heap would make each chunk slower than the
 * one before for reasons that are the mock's, not the code under test.
 */
export async function sendChunk(w: World, listen: Listen, count: number): Promise<ChunkResult> {
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  listen((text) => {
    const t0 = sentAt.get(text);
    if (t0 === undefined) return;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (latencies.length === count) done();
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const { room, people } = w.rooms[i % ROOMS];
    const text = asDecoded(`bench ${randomUUID()}`);
    sentAt.set(text, process.hrtime.bigint());
    people[i % people.length].say(text).to(room);
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await all;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  w.mocker.cacheMessagePayload.clear();
  latencies.sort((a, b) => a - b);
  return { rate: count / secs, latencyMs: latencies[Math.floor(latencies.length / 2)] };
}

/**
 * The text as a real puppet hands it over: decoded from the wire (gRPC, JSON) into one flat
 * string. A concatenated string would be flattened by whichever listener first searches it,
 * which would charge the bench's own string building to that listener.
 */
function asDecoded(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export async function loggedIn(bot: { on(e: 'login', f: () => void): unknown }, w: World): Promise<void> {
  const p = new Promise<void>((r) => bot.on('login', () => r()));
  w.mocker.login(w.user);
  await p;
}
