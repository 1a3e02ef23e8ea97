/** Seed 000 platform robot API (see /work/shared/seeds/000 and the README's "Seed 000" section). */
import { accountEndpoints } from './accounts.endpoints';
import { productionEndpoints } from './production.endpoints';
import { qrcodeEndpoints } from './qrcode.endpoint';
import { seed000Router as buildRouter, type EndpointFactory, type Seed000Deps } from './router';
import { sendMsgEndpoints } from './send-msg.endpoint';
import { signRuleEndpoints } from './sign-rule.endpoint';

/** Every endpoint of the dialect; a new one is a factory added here. */
export const seed000Endpoints: readonly EndpointFactory[] = [
  qrcodeEndpoints,
  accountEndpoints,
  productionEndpoints,
  signRuleEndpoints,
];

/** The seed 000 router with every endpoint (send_msg when broadcasts are given). */
export const seed000Router = (deps: Seed000Deps) =>
  buildRouter(deps, deps.broadcasts ? [...seed000Endpoints, sendMsgEndpoints(deps.broadcasts)] : seed000Endpoints);

export type { Seed000Deps, EndpointFactory, EndpointDeps, Seed000Endpoint } from './router';
export { endpoint, KEY_HEADER } from './router';
export { rewriteSeed000Error, seed000Mount, Seed000Error } from './envelope';
export { productionTargets, type BroadcastTarget } from './platform-robots';
export { ownerOf, parseOwner } from './platforms';
