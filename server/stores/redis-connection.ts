import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../lib/logger.js';

/** Longest pause between two attempts to reach Redis again. */
const RECONNECT_MAX_MS = 2_000;

/**
 * A node-redis client that never holds a checkout up: commands fail at once while it is
 * disconnected (no offline queue), so the stores fall back to memory, and it keeps reconnecting in
 * the background, so the instance uses Redis again as soon as it is back. Outages are logged once
 * each, when they start and when they end, with the error's message only (never the URL: it may
 * carry a password).
 */
export function connectRedis(url: string, logger: Logger): RedisClientType {
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    // A half-open connection (Redis frozen, a network partition) shows up within this time.
    pingInterval: 5_000,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, RECONNECT_MAX_MS),
    },
  });
  let unreachable = false;
  client.on('error', (error: Error) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ reason: error.message }, "Redis is unreachable; using this instance's memory until it is back");
  });
  client.on('ready', () => {
    if (unreachable) logger.info('Redis is reachable again; shared state is back');
    unreachable = false;
  });
  // A first connection that fails is retried by the reconnect strategy and reported through 'error'.
  client.connect().catch(() => {});
  return client;
}
