import { classifyStatus, type Verdict } from './schedule';
import type { Delivery } from './delivery.service';

/** One HTTP request as it goes on the wire. */
export interface WireRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** A delivery ready to send, or why it is dropped (marked dead without a request). */
export type Rendered = WireRequest | { drop: string };

/** What every renderer gets besides the delivery. */
export interface RenderContext {
  /** Now, in seconds since the epoch (signature timestamps). */
  nowSec: number;
  /** Per-attempt timeouts: native webhooks, every other callback. */
  timeouts: { nativeMs: number; callbackMs: number };
}

/**
 * How one kind of delivery goes on the wire. Secrets the format needs (signing keys, tokens) are
 * captured by the renderer when it is registered and applied at each attempt, so they are never
 * stored with the delivery; the delivery keeps only what may be listed (URL, body, target).
 */
export interface DeliveryFormat {
  render(delivery: Delivery, ctx: RenderContext): Rendered | Promise<Rendered>;
  /**
   * Reads the receiver's answer where its protocol says more than the HTTP status (e.g. a
   * `retCode` in a 200 body); absent: the status decides (2xx delivered, 408/425/429/5xx retried,
   * other 4xx rejected). `snippet`: the first bytes of the answer.
   */
  judge?(status: number, snippet: string | undefined): Verdict;
}

/** Thrown when a delivery names a format nobody registered. */
export class UnknownFormatError extends Error {
  override name = 'UnknownFormatError';
  constructor(readonly format: string) {
    super(`unknown delivery format ${format}`);
  }
}

const FORMAT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The delivery formats of one outbox, by name. Webhooks registers its own (`native`,
 * `login-callback`); each enabled API dialect registers the formats of its callbacks. A delivery's
 * `format` is checked here when it is queued; one whose format is gone by the time it is sent
 * (its dialect was switched off meanwhile) is dropped with that reason.
 */
export class DeliveryFormats {
  private readonly formats = new Map<string, DeliveryFormat>();

  /** Adds a format; a name is registered once (a second registration is a wiring mistake). */
  register(name: string, format: DeliveryFormat): void {
    if (!FORMAT_NAME.test(name)) throw new Error(`delivery format name "${name}" must be kebab-case`);
    if (this.formats.has(name)) throw new Error(`delivery format ${name} is already registered`);
    this.formats.set(name, format);
  }

  has(name: string): boolean {
    return this.formats.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.formats.keys()];
  }

  /** Throws UnknownFormatError unless `name` is registered (the check at enqueue time). */
  assert(name: string): void {
    if (!this.formats.has(name)) throw new UnknownFormatError(name);
  }

  /** What an answer means for a delivery of this format (see DeliveryFormat.judge). */
  judge(delivery: Pick<Delivery, 'format'>, status: number, snippet: string | undefined): Verdict {
    const judge = this.formats.get(delivery.format)?.judge;
    return judge ? judge(status, snippet) : classifyStatus(status);
  }

  /** The delivery's request, by its format's renderer; an unregistered format is dropped. */
  async render(delivery: Delivery, ctx: RenderContext): Promise<Rendered> {
    const format = this.formats.get(delivery.format);
    if (!format) return { drop: `unknown format ${delivery.format} (not registered: its dialect is not enabled)` };
    return format.render(delivery, ctx);
  }
}

/** The headers every delivery carries, whatever its format. */
export function baseHeaders(delivery: Pick<Delivery, 'eventId'>): Record<string, string> {
  return { 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': delivery.eventId };
}
