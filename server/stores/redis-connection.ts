import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../lib/logger.js';

/** Longest pause between two attempts to reach Redis again. */
const RECONNECT_MAX_MS = 2_000;
/** Redis answers in well under a millisecond; past this a command counts as failed. */
export const COMMAND_TIMEOUT_MS = 500;
/** After a failed or timed-out command, requests skip Redis this long before trying it again. */
const PAUSE_AFTER_FAILURE_MS = 1_000;

export interface RedisConnection {
  client: RedisClientType;
  /** Connected, and no command failed in the last moment: worth sending commands to. */
  usable(): boolean;
  /** Runs `command` within COMMAND_TIMEOUT_MS; a failure or a timeout pauses Redis for a moment. */
  run<T>(command: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * A node-redis client that never holds a checkout up. Commands fail at once while it is
 * disconnected (no offline queue) and after COMMAND_TIMEOUT_MS when Redis hangs (a frozen server,
 * a network partition: no error ever comes); then requests skip Redis for a moment, so an outage
 * does not cost every request a timeout. The client keeps reconnecting in the background, so the
 * instance uses Redis again as soon as it is back. Outages are logged when they start and end,
 * with the error's message only (never the URL: it may carry a password).
 */
export function connectRedis(url: string, logger: Logger): RedisConnection {
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, RECONNECT_MAX_MS),
    },
  });
  let unreachable = false;
  let pausedUntil = 0;
  const lost = (reason: string) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ reason }, "Redis is unreachable; using this instance's memory until it is back");
  };
  client.on('error', (error: Error) => lost(error.message));
  client.on('ready', () => {
    if (unreachable) logger.info('Redis is reachable again; shared state is back');
    unreachable = false;
    pausedUntil = 0;
  });
  // A first connection that fails is retried by the reconnect strategy and reported through 'error'.
  client.connect().catch(() => {});

  return {
    client,
    usable: () => client.isReady && Date.now() >= pausedUntil,
    async run(command) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${COMMAND_TIMEOUT_MS} ms`)),
          COMMAND_TIMEOUT_MS,
        );
      });
      try {
        const result = await Promise.race([command(), timeout]);
        if (unreachable) {
          unreachable = false;
          logger.info('Redis is reachable again; shared state is back');
        }
        return result;
      } catch (error) {
        pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
        lost((error as Error).message);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => client.destroy(),
  };
}
