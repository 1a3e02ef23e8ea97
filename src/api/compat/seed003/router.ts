import Router from '@koa/router';
import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import { attemptOf, refuseIfLimited } from '../../middleware/auth-limit';
import type { Logger } from '../../../logger';
import type { Seed003Channel } from './channels';
import type { InterfaceDeps, InterfaceFactory } from './endpoint';
import { answer, RtCode, Seed003Error, seed003Name, type Answer } from './envelope';
import type { ReplayStore } from './replay.service';
import { readMessage, type Seed003Message } from './message';
import { checkInterface, checkRequest } from './request-checks';

export interface Seed003RouterDeps extends InterfaceDeps {
  /** Mount prefix before the seed's paths (default '': /api/<name>). */
  prefix?: string;
  channels: ReadonlyMap<string, Seed003Channel>;
  replay: Pick<ReplayStore, 'run' | 'byMsgid'>;
  /** Time zone of txtime (config.timeZone). */
  timeZone: string;
  txtimeWindowSec: number;
  log: Logger;
  /** Largest message read from a form POST, in kilobytes (JSON bodies: the app's parser limit). */
  bodyLimitKb?: number;
  /** Counts wrong channel ids and signatures and refuses clients over the limit (429, rtCode 2007); absent: no limit. */
  authLimiter?: AuthFailureLimiter;
}

/** Refusals that mean a wrong credential (a guessed channel id or key), counted by the limiter. */
const CREDENTIAL_FAILURES: ReadonlySet<string> = new Set([RtCode.unknownChannel, RtCode.badSignature]);

/** The channel id a request names, if its body has one (the credential the limiter counts). */
function chidOf(message: Seed003Message): string | undefined {
  const head = message.body.reqHead as { chid?: unknown } | undefined;
  const chid = head && typeof head === 'object' ? head.chid : undefined;
  return typeof chid === 'string' ? chid : undefined;
}

const tooMany = (retryAfterSec: number) =>
  new Seed003Error(
    RtCode.tooManyFailures,
    `请求过于频繁 (too many failed signatures or channel ids: retry in ${retryAfterSec} s)`,
    429,
  );

/**
 * Seed 003 (WXRC) at POST /api/<name>: every answer is the seed envelope (envelope.ts). A request
 * is checked (request-checks.ts) and refused with nothing written at the first failure; then its
 * txcode is claimed (replay.service.ts) and its interface acts once. Nothing of the request is
 * logged but its path (the request log) and failures.
 */
export function seed003Router(deps: Seed003RouterDeps, factories: readonly InterfaceFactory[]): Router {
  const log = deps.log.child({ module: 'seed003' });
  const interfaces = Object.assign({}, ...factories.map((f) => f(deps))) as ReturnType<InterfaceFactory>;
  const checks = { ...deps, interfaces, now: () => deps.runtime.clock.now() };
  const prefix = deps.prefix ?? '';
  const router = new Router(prefix ? { prefix } : {});

  router.all('/api/:name', async (ctx, next) => {
    const name = seed003Name(ctx.path.slice(prefix.length));
    if (name === null) return next();
    let result: Answer;
    try {
      const found = checkInterface(ctx, name, checks);
      const message = await readMessage(ctx, (deps.bodyLimitKb ?? 256) * 1024);
      const attempt = attemptOf(ctx, 'seed003', chidOf(message));
      await refuseIfLimited(ctx, deps.authLimiter, attempt, tooMany);
      let checked: ReturnType<typeof checkRequest>;
      try {
        checked = checkRequest(ctx, found, message, checks);
      } catch (err) {
        if (err instanceof Seed003Error && CREDENTIAL_FAILURES.has(err.rtCode)) await deps.authLimiter?.failed(attempt);
        throw err;
      }
      const { iface, channel, head, day, plan } = checked;
      const { answer: a, replayed } = await deps.replay.run(
        { chid: channel.chid, day, txcode: head.txcode },
        name,
        async () => {
          try {
            return await iface.act({ channel, head, plan });
          } catch (err) {
            // Business errors are answers too: remembered for the txcode like any other.
            if (err instanceof Seed003Error) return { answer: err.toAnswer() };
            throw err;
          }
        },
      );
      if (replayed) ctx.set('X-Qunbot-Replayed', '1');
      result = a;
    } catch (err) {
      if (err instanceof Seed003Error) result = err.toAnswer();
      else {
        // Never the request body: only the error and the interface.
        (ctx.state.log ?? log).error({ err, interface: name }, 'seed003 request failed');
        result = answer(
          RtCode.internal,
          '系统繁忙 (internal error; nothing was done, the same request may be sent again)',
          {},
          503,
        );
      }
    }
    ctx.status = result.status;
    ctx.body = result.body;
  });

  return router;
}
