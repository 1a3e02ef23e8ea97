import pino from 'pino';
import type { Logger } from '../../src/logger';

/** A silent logger for tests that do not look at logs. */
export const silentLog: Logger = pino({ level: 'silent' });

/** A logger whose lines are kept in `lines` (parsed JSON) for assertions. */
export function memoryLog(level = 'debug'): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level, redact: { paths: ['token', '*.token', 'password', '*.password'], censor: '[redacted]' } },
    {
      write(chunk: string) {
        lines.push(JSON.parse(chunk) as Record<string, unknown>);
      },
    },
  );
  return { log, lines };
}
