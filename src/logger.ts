import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
}

/** Paths whose values never reach the log, wherever a module puts them. */
const REDACT = [
  'password',
  'token',
  'secret',
  'apiKey',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

/**
 * The root logger. Pretty output only on a TTY or with LOG_PRETTY=1; JSON lines otherwise.
 * Modules take `log.child({ module: '...' })`.
 */
export function createLogger(opts: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: opts.level,
    base: { app: 'qunbot' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(base, destination);
  const pretty = opts.pretty || (process.stdout.isTTY && process.env.LOG_PRETTY !== '0');
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' } },
    });
  }
  return pino(base);
}
