/** Seed 003 WXRC signed API (see /work/shared/seeds/003 and the README's "Seed 003" section). */
export { startSeed003, seed003Interfaces, type Seed003Deps } from './start';
export { rewriteSeed003Error, seed003Mount, RtCode } from './envelope';
export { seed003Signature, verifySeed003Signature } from './signature';
export { NOTIFY_FORMAT, notifyFormat } from './notify.format';
