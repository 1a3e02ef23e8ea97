import { createHash, timingSafeEqual } from 'node:crypto';
import { AddressList } from '../../../http/client-address';

/** A configured platform (config `compat.seed000.platforms`, from SEED000_PLATFORMS). */
export interface PlatformConfig {
  id: string;
  /** The key its callers send in X-Platform-Key (recommended). */
  key?: string | undefined;
  /** Addresses or CIDR ranges whose callers need no key (the seed's unmodified clients send none). */
  allowFrom?: readonly string[] | undefined;
}

/** The platform a request was authenticated as. */
export interface Platform {
  id: string;
}

const OWNER_PREFIX = 'seed000';

/**
 * The owner of a platform user's robots. A platform user is (platform id, md_username); making
 * that pair the robot's owner keeps the native API's owner scoping working for these robots
 * (an owner key for `seed000:frxs:13600000000` sees exactly that user's robots).
 */
export function ownerOf(platformId: string, mdUsername: string): string {
  return `${OWNER_PREFIX}:${platformId}:${mdUsername}`;
}

/** Every owner of a platform starts with this. */
export function platformOwnerPrefix(platformId: string): string {
  return `${OWNER_PREFIX}:${platformId}:`;
}

/** The platform user an owner stands for, or undefined for owners not made by ownerOf. */
export function parseOwner(owner: string): { platformId: string; mdUsername: string } | undefined {
  const m = /^seed000:([a-z0-9_]{1,16}):([^:]+)$/.exec(owner);
  return m ? { platformId: m[1] as string, mdUsername: m[2] as string } : undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The platform keys, kept only as SHA-256 digests from start-up on. A key is checked against
 * every platform's digest with timingSafeEqual (no early exit), so the time taken says nothing
 * about which key, or how much of one, matched.
 */
export class PlatformKeys {
  private readonly entries: readonly { id: string; digest: Buffer | undefined; allowFrom: AddressList | undefined }[];

  constructor(platforms: readonly PlatformConfig[]) {
    this.entries = platforms.map((p) => ({
      id: p.id,
      digest: p.key === undefined ? undefined : digest(p.key),
      allowFrom: p.allowFrom ? new AddressList(p.allowFrom) : undefined,
    }));
  }

  /** The platforms whose allow-list admits a caller at `address` without a key. */
  openTo(address: string): Platform[] {
    return this.entries.filter((e) => e.allowFrom?.has(address)).map((e) => ({ id: e.id }));
  }

  /** True when a platform with this id is configured. */
  has(id: string): boolean {
    return this.entries.some((e) => e.id === id);
  }

  /** The platform this key belongs to, or undefined. */
  verify(key: string): Platform | undefined {
    const given = digest(key);
    let found: Platform | undefined;
    for (const e of this.entries) {
      if (e.digest && timingSafeEqual(e.digest, given) && !found) found = { id: e.id };
    }
    return found;
  }
}
