import { type Logger, pino } from 'pino';

export type { Logger };

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Logs to `destination`, or to stdout synchronously.
 *
 * No credential can reach a line: the request logger's serializers keep a few named fields (never
 * headers or bodies), and providers log upstream answers through `forLog`, which cuts the key out.
 * (pino's `redact` paths for headers matched nothing that is logged and cost 4 % CPU per checkout.)
 *
 * pino's default stdout stream is asynchronous and drains at most 16 KB per event-loop turn with no
 * limit on what waits: under sustained load (bench/memory.ts, 200 connections) its backlog grew the
 * heap ~0.2 MB/s without end. A synchronous write is one small syscall per request, lets nothing
 * pile up, and loses no line on a crash.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level }, destination ?? pino.destination({ dest: 1, sync: true }));
}
