import { Agent, request } from 'undici';
import type { WireRequest } from './formats';
import { UrlRefusedError, type UrlGuard } from './url-guard';

export interface SendResult {
  /** HTTP status, absent when no answer came (network error, timeout, refused address). */
  status?: number;
  error?: string;
  /** The first bytes of the answer (at most maxResponseBytes are read). */
  snippet?: string;
  /** Set when the guard refused the URL: `callback_url_unresolvable` may pass later, the others will not. */
  refused?: UrlRefusedError['code'];
}

/**
 * Sends webhook requests through an agent whose DNS lookup is the SSRF guard's, with bounded
 * header/body time, an overall timeout, at most `maxResponseBytes` read, redirects not followed.
 */
export class HttpSender {
  private readonly agent: Agent;
  private closing: Promise<void> | undefined;
  constructor(
    private readonly guard: UrlGuard,
    private readonly limits: { maxResponseBytes: number; timeoutMs: number },
  ) {
    this.agent = new Agent({
      connect: { lookup: guard.lookup, timeout: limits.timeoutMs },
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
      keepAliveTimeout: 4000,
    });
  }

  async send(req: WireRequest, signal?: AbortSignal): Promise<SendResult> {
    try {
      await this.guard.check(req.url);
    } catch (err) {
      if (err instanceof UrlRefusedError) return { error: err.message, refused: err.code };
      throw err;
    }
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const abort = signal ? AbortSignal.any([timeout, signal]) : timeout;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        dispatcher: this.agent,
        signal: abort,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const snippet = await this.readSome(res.body);
      return { status: res.statusCode, snippet };
    } catch (err) {
      const e = err as Error & { code?: string; cause?: Error };
      if (timeout.aborted) return { error: `timed out after ${req.timeoutMs} ms` };
      return { error: [e.code, e.cause?.message ?? e.message].filter(Boolean).join(': ') };
    }
  }

  /** Reads at most maxResponseBytes, then drops the rest of the answer. */
  private async readSome(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= this.limits.maxResponseBytes) break;
      }
    } catch {
      // An answer cut short does not change its status: the status is what counts.
    } finally {
      body.destroy();
    }
    return Buffer.concat(chunks)
      .subarray(0, Math.min(size, this.limits.maxResponseBytes, 300))
      .toString('utf8');
  }

  /** Closes the connection pool; closing again is a no-op. */
  close(): Promise<void> {
    this.closing ??= this.agent.close();
    return this.closing;
  }
}
