import type { Context } from 'koa';
import type { Seed003Channel } from './channels';
import { parse, type Seed003Interface } from './endpoint';
import { RtCode, Seed003Error } from './envelope';
import { headChannel, reqHead, type ReqHead } from './schemas';
import { SIGNATURE_HEADER, SIGNATURE_TYPE_HEADER, signatureHeaderProblem, verifySeed003Signature } from './signature';
import type { Seed003Message } from './message';
import { checkTxtime } from './txtime';

/** A request that passed every check: ready to claim its txcode and act. */
export interface CheckedRequest {
  iface: Seed003Interface;
  channel: Seed003Channel;
  head: ReqHead;
  /** yyyymmdd of the txtime: the txcode is unique per channel and this day. */
  day: string;
  plan: unknown;
}

export interface CheckDeps {
  interfaces: Readonly<Record<string, Seed003Interface>>;
  channels: ReadonlyMap<string, Seed003Channel>;
  now: () => number;
  timeZone: string;
  txtimeWindowSec: number;
}

/** The method (POST, or GET as the seed allows) and the interface name; throws 1004 / 1003. */
export function checkInterface(ctx: Context, name: string, deps: Pick<CheckDeps, 'interfaces'>): Seed003Interface {
  if (ctx.method !== 'POST' && ctx.method !== 'GET') {
    ctx.set('Allow', 'GET, POST');
    throw new Seed003Error(RtCode.badMethod, '请求方式错误 (POST, or GET with ?data=)', 405);
  }
  const iface = Object.hasOwn(deps.interfaces, name) ? deps.interfaces[name] : undefined;
  if (!iface) throw new Seed003Error(RtCode.unknownInterface, `接口不存在 (no interface ${name})`, 404);
  return iface;
}

/**
 * Everything up to the claim, after checkInterface and readMessage, in this order: signature
 * headers, chid, signature over the message text, reqHead, txtime window, reqBody. A refusal
 * throws Seed003Error and changes nothing.
 */
export function checkRequest(
  ctx: Context,
  iface: Seed003Interface,
  message: Seed003Message,
  deps: CheckDeps,
): CheckedRequest {
  const { raw, body } = message;

  const problem = signatureHeaderProblem(
    ctx.get(SIGNATURE_HEADER) || undefined,
    ctx.get(SIGNATURE_TYPE_HEADER) || undefined,
  );
  if (problem === 'missing_signature')
    throw new Seed003Error(RtCode.signatureMissing, '签名缺失 (X-Ecaspsplus-Signature is missing)', 401);
  if (problem)
    throw new Seed003Error(RtCode.signatureMissing, '签名类型错误 (X-Ecaspsplus-SignatureType must be MD5)', 401);

  const { chid } = parse(headChannel, body, 'body').reqHead;
  const channel = deps.channels.get(chid);
  if (!channel) throw new Seed003Error(RtCode.unknownChannel, '渠道不存在 (unknown chid)', 401);
  if (!verifySeed003Signature(raw, channel.key, ctx.get(SIGNATURE_HEADER)))
    throw new Seed003Error(
      RtCode.badSignature,
      '签名错误 (the signature does not match the body and the channel key)',
      401,
    );

  // Authenticated from here on.
  const head = parse(reqHead, (body as { reqHead: unknown }).reqHead, 'reqHead');
  const time = checkTxtime(head.txtime, deps.now(), deps.timeZone, deps.txtimeWindowSec);
  if (!time.ok && time.reason === 'invalid')
    throw new Seed003Error(RtCode.badField, '参数错误: reqHead.txtime: not a valid yyyymmddhhmmss', 400);
  if (!time.ok)
    throw new Seed003Error(
      RtCode.staleTxtime,
      `请求时间超出允许范围 (txtime is more than ${deps.txtimeWindowSec} s from the server's time)`,
      401,
    );
  const plan = iface.parse((body as { reqBody?: unknown }).reqBody);
  return { iface, channel, head, day: time.day, plan };
}
