/** True for a 24-hex-digit database id (anything else cannot name a stored record). */
export function isRecordId(id: unknown): id is string {
  return typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id);
}
