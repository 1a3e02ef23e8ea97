import type Router from '@koa/router';
import type { Mount, NativeError } from '../mount';

/**
 * Seed 003 return codes (`rtCode`, a string as in the seed). The seed defines none, so qunbot
 * fixes them here; the README lists them. Requests refused before any work (1xxx, 2xxx) change
 * nothing and do not use up their txcode; answers from 3xxx on are remembered for the txcode.
 */
export const RtCode = {
  ok: '0000',
  /** The body is not a JSON object: malformed JSON, an array, not application/json, too large. */
  badBody: '1001',
  /** A field of reqHead or reqBody is missing or invalid (rtMsg names it). */
  badField: '1002',
  /** No interface of that name (POST /api/<name>). */
  unknownInterface: '1003',
  /** Only POST is answered. */
  badMethod: '1004',
  /** X-Ecaspsplus-Signature missing, or X-Ecaspsplus-SignatureType is not MD5. */
  signatureMissing: '2001',
  /** reqHead.chid names no configured channel. */
  unknownChannel: '2002',
  /** The signature does not match the body and the channel key. */
  badSignature: '2003',
  /** txtime is further from now than the configured window. */
  staleTxtime: '2004',
  /** The txcode was already used today by this channel for another interface. */
  txcodeReused: '2005',
  /** The first request with this txcode is still being processed (by another qunbot process). */
  txcodeInProgress: '2006',
  /** Too many wrong channel ids or signatures from this address or for this channel: HTTP 429, retry after Retry-After (a qunbot addition). */
  tooManyFailures: '2007',
  /** botcode is not bound to a robot of this channel (call login first). */
  unknownBot: '3001',
  /** The robot is not logged in to WeChat. */
  notLoggedIn: '3002',
  /** The robot's send queue is full; try again later (with a new txcode). */
  queueFull: '3003',
  /** msgStatus: no msgid of that number for this channel in the last 3 days (a qunbot addition). */
  unknownMsgid: '3004',
  /** Unexpected server failure; nothing is remembered, the same request may be retried. */
  internal: '9999',
} as const;

export type RtCodeValue = (typeof RtCode)[keyof typeof RtCode];

/** An answer: HTTP status and body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The answer body. The seed names the output `resHead`/`resBody` (resHead: "无附加", nothing
 * added) and lists `rtCode`, `rtMsg` and the fields under resBody, while its clients are often
 * written to read them at the top level. qunbot answers both: the fields at the top level and the
 * same fields inside `resBody`, with an empty `resHead`.
 */
export function envelope(
  rtCode: RtCodeValue,
  rtMsg: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const res = { rtCode, rtMsg, ...fields };
  return { ...res, resHead: {}, resBody: res };
}

export function answer(rtCode: RtCodeValue, rtMsg: string, fields: Record<string, unknown> = {}, status = 200): Answer {
  return { status, body: envelope(rtCode, rtMsg, fields) };
}

/** A refusal or business error of the dialect. */
export class Seed003Error extends Error {
  override name = 'Seed003Error';
  constructor(
    readonly rtCode: RtCodeValue,
    message: string,
    readonly status = 200,
  ) {
    super(message);
  }

  toAnswer(): Answer {
    return answer(this.rtCode, this.message, {}, this.status);
  }
}

/** /api/<name> (one segment), except the native API's /api/v1. */
export function seed003Name(path: string): string | null {
  const m = /^\/api\/([^/]+)\/?$/.exec(path);
  return m && m[1] !== 'v1' ? m[1] : null;
}

function codeForStatus(status: number): RtCodeValue {
  if (status === 404) return RtCode.unknownInterface;
  if (status === 405) return RtCode.badMethod;
  if (status >= 500) return RtCode.internal;
  return RtCode.badBody;
}

/**
 * The seed 003 envelope of an error the app's error handler answered in the native shape (the
 * shared JSON body parser: malformed JSON 400, too large 413), keeping the HTTP status; undefined
 * outside /api/<name> (the native API's /api/v1 keeps its shape). `path` is below the mount prefix.
 */
export function rewriteSeed003Error(status: number, error: NativeError, path: string): unknown {
  if (seed003Name(path) === null) return undefined;
  const message = typeof error.message === 'string' ? error.message : 'request failed';
  const code = codeForStatus(status);
  return envelope(
    code,
    code === RtCode.badBody
      ? `报文格式错误 (${message})`
      : code === RtCode.internal
        ? '系统错误 (internal error)'
        : message,
  );
}

/** Seed 003 as mounted: its router, and `<prefix>/api/<name>` answers errors in its shape. */
export function seed003Mount(routers: readonly Router[], prefix = ''): Mount {
  return {
    name: 'seed003',
    routers,
    territory: `${prefix}/api`,
    rewriteError: (status, error, path) => rewriteSeed003Error(status, error, path.slice(prefix.length)),
  };
}
