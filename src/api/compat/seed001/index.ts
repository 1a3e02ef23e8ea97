/** Seed 001 robots REST API (see /work/shared/seeds/001 and the README's "Seed 001" section). */
import { loginEndpoints } from './login.endpoint';
import { logoutEndpoints } from './logout.endpoint';
import { messageEndpoints } from './message.endpoint';
import { qrcodeEndpoints } from './qrcode.endpoint';
import { robotEndpoints } from './robots.endpoints';
import { roomEndpoints } from './rooms.endpoints';
import { buildSeed001Router, type EndpointFactory, type Seed001Deps } from './router';

/** Every endpoint of the dialect, in mounting order; a new one is a factory added here. */
export const seed001Endpoints: readonly EndpointFactory[] = [
  qrcodeEndpoints,
  robotEndpoints,
  loginEndpoints,
  roomEndpoints,
  messageEndpoints,
  logoutEndpoints,
];

/** The seed 001 router with every endpoint. */
export const seed001Router = (deps: Seed001Deps) => buildSeed001Router(deps, seed001Endpoints);

export type { Seed001Deps, EndpointDeps, EndpointFactory, Seed001Endpoint } from './router';
export { rewriteSeed001Error, seed001Mount, RetCode } from './envelope';
export { startSeed001Callbacks, type Seed001CallbackDeps } from './callbacks';
export { DEVELOPER_CALLBACK_FORMAT, developerCallbackFormat } from './developer-callback.format';
export { DeveloperCallbacks, type DeveloperCallback, type CallbackTarget } from './developer-callbacks.service';
export { developerCallbackEndpoints } from './callback.endpoints';
