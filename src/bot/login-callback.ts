/**
 * Per-attempt limits of the seed-format callbacks (the seed 001 login GET and developer POST).
 * The callbacks themselves are queued by the webhook outbox (src/webhooks/bridge.ts enqueues the
 * login GET on each login), which retries them with backoff until their deadline.
 */
export interface CallbackPolicy {
  timeoutMs: number;
}
