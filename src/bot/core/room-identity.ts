/**
 * Room identity across re-logins. Web-protocol puppets issue new room (and contact) ids at every
 * login, so a room found by the puppet is matched to a stored room by, in order:
 *   1. the same puppet id;
 *   2. the same topic and the same owner name, when that pair is unique on both sides;
 *   3. the same topic alone, when that topic is unique on both sides.
 * Anything else is a new room; stored rooms left unmatched are marked as left (not deleted).
 * A room whose topic ends with the robot's 6-character agent code is bound to it (seed 001).
 */
export interface StoredRoom {
  id: string;
  puppetId: string;
  topic: string;
  ownerName?: string;
}

export interface FoundRoom {
  puppetId: string;
  topic: string;
  ownerName?: string;
}

export interface RoomMatch<F extends FoundRoom> {
  matched: { storedId: string; found: F }[];
  created: F[];
  gone: string[];
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

export function matchRooms<F extends FoundRoom>(stored: StoredRoom[], found: F[]): RoomMatch<F> {
  const matched: { storedId: string; found: F }[] = [];
  const freeStored = new Map(stored.map((s) => [s.id, s]));
  let freeFound = [...found];

  const byPuppetId = new Map(stored.map((s) => [s.puppetId, s]));
  freeFound = freeFound.filter((f) => {
    const s = byPuppetId.get(f.puppetId);
    if (!s || !freeStored.has(s.id)) return true;
    matched.push({ storedId: s.id, found: f });
    freeStored.delete(s.id);
    return false;
  });

  const keys: ((r: { topic: string; ownerName?: string }) => string)[] = [
    (r) => `${r.topic}\u0000${r.ownerName ?? ''}`,
    (r) => r.topic,
  ];
  for (const key of keys) {
    const storedCount = countBy([...freeStored.values()], key);
    const foundCount = countBy(freeFound, key);
    const storedByKey = new Map([...freeStored.values()].map((s) => [key(s), s]));
    freeFound = freeFound.filter((f) => {
      const k = key(f);
      if (storedCount.get(k) !== 1 || foundCount.get(k) !== 1) return true;
      const s = storedByKey.get(k);
      if (!s) return true;
      matched.push({ storedId: s.id, found: f });
      freeStored.delete(s.id);
      return false;
    });
  }
  return { matched, created: freeFound, gone: [...freeStored.keys()] };
}

/** Seed 001: a room is bound to a robot when its topic ends with the robot's agent code. */
export function isBoundByAgentCode(topic: string, agentCode: string | undefined | null): boolean {
  return Boolean(agentCode) && topic.trimEnd().endsWith(agentCode as string);
}
