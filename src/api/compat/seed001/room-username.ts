import { isRecordId } from '../../../bot/core/ids';

/**
 * The seed's room `username` ("微信群标识，以@@开头"): web WeChat's own room id starts with `@@`
 * and changes at every login. Other puppets name rooms `…@chatroom`; for them qunbot answers `@@`
 * followed by its own room id, which keeps the seed's form and, unlike the web id, stays the same
 * across re-logins. Both forms are accepted back as `to_user`.
 */
export function seedRoomUsername(room: { id: string; puppetId: string }): string {
  return room.puppetId.startsWith('@@') ? room.puppetId : `@@${room.id}`;
}

/** The qunbot room id inside a username made by seedRoomUsername, or undefined for any other text. */
export function roomIdOfUsername(username: string): string | undefined {
  const rest = username.startsWith('@@') ? username.slice(2) : undefined;
  return rest !== undefined && isRecordId(rest) ? rest : undefined;
}
