import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, minus known lines of noise from test-only tools:
 * - wechaty-puppet-service's PuppetServer (serves wechaty-puppet-mock over real gRPC in tests)
 *   still calls grpc-js's deprecated `Server.start()`: "Calling start() is no longer necessary",
 *   once per test file that starts one;
 * - madge (the house test's cycle check) parses TypeScript through a typescript-estree version
 *   that reads a deprecated AST property: "The 'argument' property is deprecated on
 *   TSImportType nodes", a dozen times.
 * These warnings go through the worker's real `process`, not the test sandbox's, so they can only
 * be filtered here, where the environment runs in the worker itself. Every other warning passes
 * through unchanged.
 */
const QUIET = ['Calling start() is no longer necessary', "The 'argument' property is deprecated on TSImportType nodes"];

const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && QUIET.some((q) => text.startsWith(q))) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

export default NodeEnvironment;
