import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** Paths pino blanks out wherever they appear: credentials must never reach a log line. */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body.customer_token',
  'res.headers["set-cookie"]',
];

/**
 * Logs to `destination`, or to stdout synchronously. pino's default stdout stream is asynchronous
 * and drains at most 16 KB per event-loop turn with no limit on what waits: under sustained load
 * (bench/memory.ts, 200 connections) its backlog grew the heap ~0.2 MB/s without end. A synchronous
 * write is one small syscall per request, lets nothing pile up, and loses no line on a crash.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' } }, destination ?? pino.destination({ dest: 1, sync: true }));
}
