/** Seed 004 admin console API, operator subset (see /work/shared/seeds/004 and the README's "Seed 004" section). */
import { accountEndpoints } from './account.endpoints';
import { roleEndpoints } from './roles.endpoints';
import { scriptEndpoints } from './scripts.endpoints';
import { userEndpoints } from './users.endpoints';
import { buildSeed004Router, type Seed004Deps } from './router';

/** Every endpoint group of the dialect, in mounting order. */
export const seed004Endpoints = [accountEndpoints, roleEndpoints, userEndpoints, scriptEndpoints];

/** The seed 004 router with every endpoint. */
export const seed004Router = (deps: Seed004Deps) => buildSeed004Router(deps, seed004Endpoints);

export type { Seed004Deps } from './router';
export { seed004Mount, rewriteSeed004Error, Code } from './envelope';
export { SignatureReplay } from './sign-replay.service';
export { randStrOf } from './signature';
