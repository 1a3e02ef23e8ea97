import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { AppError } from '../http/errors';
import { addressAllowed, hostAllowed, parseAllowList, refusedAddress, type AllowEntry } from './address';

/** Resolves a host name to all its addresses (dns.lookup with `all`, injectable for tests). */
export type ResolveAll = (host: string) => Promise<LookupAddress[]>;

const systemResolve: ResolveAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** A URL qunbot will not call; `code` is stable for API answers. */
export class UrlRefusedError extends Error {
  override name = 'UrlRefusedError';
  constructor(
    readonly code: 'callback_url_invalid' | 'callback_url_forbidden' | 'callback_url_unresolvable',
    message: string,
  ) {
    super(message);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The guard against server-side request forgery: http(s) URLs without credentials whose host
 * resolves only to public addresses, unless the host or the address is allow-listed. Used at
 * registration (`check`) and at each delivery: `check` again, and `lookup` inside the HTTP agent,
 * so the address connected to is the address checked (DNS rebinding cannot slip past).
 */
export class UrlGuard {
  private readonly allow: AllowEntry[];
  constructor(
    allowHosts: readonly string[],
    private readonly resolve: ResolveAll = systemResolve,
  ) {
    this.allow = parseAllowList(allowHosts);
  }

  /** Parses and checks a URL; throws UrlRefusedError. */
  async check(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UrlRefusedError('callback_url_invalid', 'not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UrlRefusedError('callback_url_invalid', 'only http and https URLs are allowed');
    if (url.username || url.password)
      throw new UrlRefusedError('callback_url_invalid', 'URLs with credentials are not allowed');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host)) {
      this.checkAddress(host, host);
      return url;
    }
    if (hostAllowed(this.allow, host)) return url;
    let addrs: LookupAddress[];
    try {
      addrs = await this.resolve(host);
    } catch (err) {
      throw new UrlRefusedError(
        'callback_url_unresolvable',
        `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (addrs.length === 0) throw new UrlRefusedError('callback_url_unresolvable', `host ${host} has no address`);
    for (const a of addrs) this.checkAddress(host, a.address);
    return url;
  }

  private checkAddress(host: string, ip: string): void {
    if (addressAllowed(this.allow, ip)) return;
    const why = refusedAddress(ip);
    if (why)
      throw new UrlRefusedError(
        'callback_url_forbidden',
        `host ${host} resolves to ${ip} (${why}); allow it in webhooks.allowHosts if intended`,
      );
  }

  /**
   * A `lookup` for net/tls connect (undici `connect.lookup`): resolves, then refuses the
   * connection when any address is refused. Answers in the shape the caller asked for (`all`).
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const resolved: Promise<LookupAddress[]> = ipaddr.isValid(host)
      ? Promise.resolve([{ address: host, family: host.includes(':') ? 6 : 4 }])
      : this.resolve(host);
    resolved.then(
      (addrs) => {
        try {
          if (!hostAllowed(this.allow, host)) for (const a of addrs) this.checkAddress(host, a.address);
        } catch (err) {
          return callback(err as NodeJS.ErrnoException, '', 0);
        }
        const wanted =
          options.family === 4 || options.family === 6 ? addrs.filter((a) => a.family === options.family) : addrs;
        if (wanted.length === 0)
          return callback(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** The registration-time check as the API wants it: a 400 with a stable code. */
export async function checkCallbackUrl(guard: UrlGuard, url: string, field = 'url'): Promise<void> {
  try {
    await guard.check(url);
  } catch (err) {
    if (err instanceof UrlRefusedError)
      throw new AppError(400, err.code, `callback URL refused: ${err.message}`, [
        { in: 'body', path: field, code: err.code, message: err.message },
      ]);
    throw err;
  }
}
