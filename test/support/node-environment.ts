import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, minus one known line of noise. wechaty-puppet-service's PuppetServer
 * (used by the tests only, to serve wechaty-puppet-mock over real gRPC) still calls grpc-js's
 * `Server.start()`, which grpc-js deprecated; every test file that starts one printed
 * "DeprecationWarning: Calling start() is no longer necessary". The warning comes from Node's
 * `util.deprecate`, which uses the worker's real `process`, not the test sandbox's, so it can
 * only be filtered here, where the environment runs in the worker itself. Every other warning
 * passes through unchanged.
 */
const QUIET = 'Calling start() is no longer necessary';

const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.startsWith(QUIET)) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

export default NodeEnvironment;
