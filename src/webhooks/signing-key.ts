import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The master key that signs native webhooks: `webhooks.signingKey` (QUNBOT_WEBHOOK_KEY) when set,
 * else a random key generated once into `<dataDir>/webhook-signing.key` (mode 0600). Created with
 * O_EXCL, so two processes starting together end up with the same key.
 */
export function loadSigningKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.resolve(dataDir, 'webhook-signing.key');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32)
    throw new Error(`${file} holds no usable key (delete it to generate a new one, or set QUNBOT_WEBHOOK_KEY)`);
  return key;
}
