import { describeCatalog } from '../config/load-catalog.js';
import type { Config } from '../config/load-config.js';

/**
 * What `checkout-button check` prints for a valid configuration: what the proxy would run with,
 * and nothing secret (provider names, never their keys).
 */
export function describeConfig(config: Config): string {
  const providers = config.sandbox
    ? 'sandbox (no provider key is set)'
    : config.providers.map(({ module }) => module.name).join(', ');
  const valueOnly = config.valueOnly
    ? [...config.valueOnly].map(([currency, { min, max }]) => `${currency} ${min} to ${max}`).join(', ') +
      ' (minor units)'
    : 'off';
  const ttlHours = `records kept ${config.idempotencyTtlMs / 3_600_000} h`;
  // The URL may carry a password: name the host only.
  const shared = config.redisUrl
    ? `Redis at ${new URL(config.redisUrl).host} (${ttlHours})`
    : `this instance's memory (${ttlHours})`;
  const origins = config.allowedOrigins.length > 0 ? config.allowedOrigins.join(', ') : "none besides the proxy's own";
  return [
    'Configuration OK',
    `  providers:        ${providers}`,
    `  catalog:          ${describeCatalog(config.catalogSource, config.catalog)}`,
    `  allowed origins:  ${origins}`,
    `  value-only links: ${valueOnly}`,
    `  demo store:       ${config.demo ? 'on' : 'off'}`,
    `  shared state:     ${shared}`,
    `  metrics:          ${config.metricsToken ? 'GET /metrics, with METRICS_TOKEN' : 'off'}`,
    `  listen:           ${config.host ?? 'every interface'}, port ${config.port}`,
    ...config.warnings.map((warning) => `Warning: ${warning}`),
  ].join('\n');
}
