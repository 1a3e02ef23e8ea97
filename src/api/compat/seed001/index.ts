/** Seed 001 robots REST API (see /work/shared/seeds/001 and the README's "Seed 001" section). */
export { seed001Router, type Seed001Deps } from './router';
export { installSeed001Envelope, seed001ErrorEnvelope, RetCode } from './envelope';
