import { createHash, timingSafeEqual } from 'node:crypto';

/** The seed's headers (Node lower-cases header names). */
export const SIGNATURE_HEADER = 'x-ecaspsplus-signature';
export const SIGNATURE_TYPE_HEADER = 'x-ecaspsplus-signaturetype';

/**
 * The seed's signature: MD5 over the JSON body exactly as sent, followed by the channel key, both
 * UTF-8; lower-case hex. MD5 with a key suffix is a weak MAC (the seed's choice, kept for
 * compatibility): the dialect is off unless configured, and keys should be long and random.
 */
export function seed003Signature(body: string | Buffer, key: string): string {
  return createHash('md5').update(body).update(key, 'utf8').digest('hex');
}

export type SignatureHeaderProblem = 'missing_signature' | 'bad_signature_type';

/** Checks the two headers are there and the type is MD5 (any case); null when they are usable. */
export function signatureHeaderProblem(
  signature: string | undefined,
  type: string | undefined,
): SignatureHeaderProblem | null {
  if (!signature) return 'missing_signature';
  if (!type || type.trim().toUpperCase() !== 'MD5') return 'bad_signature_type';
  return null;
}

/**
 * True when `given` is the signature of `body` with `key`. Hex case is ignored (some clients send
 * upper case). The comparison is constant-time over the 32 hex digits; anything not 32 hex
 * digits is refused without comparing.
 */
export function verifySeed003Signature(body: string | Buffer, key: string, given: string): boolean {
  const normalized = given.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(normalized)) return false;
  const want = Buffer.from(seed003Signature(body, key), 'ascii');
  return timingSafeEqual(want, Buffer.from(normalized, 'ascii'));
}
