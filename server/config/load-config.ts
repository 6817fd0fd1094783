import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Catalog } from '../checkout/catalog.js';
import { MIN_SECRET_BYTES } from '../checkout/customer-token.js';
import type { ValueOnlyLimits } from '../checkout/pricing.js';
import {
  amountLimits,
  currency,
  duration,
  integer,
  listenHost,
  onOff,
  origins,
  pageUrl,
  publicUrl,
  redisUrl,
  secret,
} from '../lib/env.js';
import { type LogLevel, logLevels } from '../lib/logger.js';
import type { ConfiguredProvider } from '../providers/provider.js';
import { providerModules } from '../providers/registry.js';
import { type CatalogSource, loadCatalog, openForReading } from './load-catalog.js';

export interface Config {
  port: number;
  /** The address to listen on; undefined listens on every interface. */
  host: string | undefined;
  logLevel: LogLevel;
  /** Express `trust proxy` as a hop count: how many reverse proxies sit in front of the proxy. */
  trustProxy: number;
  /** Origins, besides the proxy's own, that may call the API from a browser. */
  allowedOrigins: string[];
  /** The proxy's own origin as browsers reach it; undefined takes it from each request's `Host`. */
  publicOrigin: string | undefined;
  /** Value-only links' currencies and bounds; undefined when value-only links are disabled. */
  valueOnly: ValueOnlyLimits | undefined;
  upstreamTimeoutMs: number;
  /** How many provider calls may run at once; the next one is refused with 503 proxy_busy. */
  upstreamConcurrency: number;
  /** How long in-flight requests get to finish after SIGTERM; always longer than `upstreamTimeoutMs`. */
  shutdownGraceMs: number;
  /** Open client connections the server keeps at most; Node closes the ones beyond it at once. */
  maxConnections: number;
  rateLimitPerMinute: number;
  catalog: Catalog;
  /** Where the catalog came from, for the start-up line: `CATALOG_FILE`, the demo's, or none. */
  catalogSource: CatalogSource;
  /** Things that work but are probably not what the operator wants, for the start-up log. */
  warnings: readonly string[];
  /** The real providers whose key is set, with their settings. */
  providers: readonly ConfiguredProvider[];
  /** No provider key is set: the built-in sandbox provider stands in for every provider. */
  sandbox: boolean;
  /** HS256 secret for customer tokens; random per start in sandbox mode when none is configured. */
  customerTokenSecret: Uint8Array | undefined;
  /** The `aud` every customer token must name; undefined checks no audience. */
  customerTokenAudience: string | undefined;
  /** Serve the demo storefront at `/`. */
  demo: boolean;
  /** Serve the snippet builder at `/builder`. */
  builder: boolean;
  /** Where shoppers land after paying or giving up, unless a button names its own pages. */
  returnUrls: { success?: string; cancel?: string };
  /** Redis holding idempotency records and rate-limit counters for every instance; undefined keeps them in memory. */
  redisUrl: string | undefined;
  /** How long a successful checkout is replayed for its Idempotency-Key. */
  idempotencyTtlMs: number;
  /** Bearer token that unlocks `GET /metrics`; undefined serves no metrics. */
  metricsToken: string | undefined;
}

/** The proxy's own variables; each provider module adds its slice. */
const coreVariables = {
  PORT: integer(0, 65535).default(3000),
  HOST: listenHost.optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TRUST_PROXY: integer(0, 10).default(0),
  ALLOWED_ORIGINS: origins.default([]),
  PUBLIC_URL: publicUrl.optional(),
  AMOUNT_MIN: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  AMOUNT_MAX: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  AMOUNT_CURRENCY: currency.optional(),
  AMOUNT_LIMITS: amountLimits.optional(),
  UPSTREAM_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  // Under the common limit of 1024 open files: 512 client connections and 256 provider calls.
  UPSTREAM_CONCURRENCY: integer(1, 10_000).default(256),
  MAX_CONNECTIONS: integer(1, 1_000_000).default(512),
  SHUTDOWN_GRACE_MS: integer(1_000, 600_000).optional(),
  RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(30),
  CATALOG_FILE: z.string().optional(),
  CUSTOMER_TOKEN_SECRET: secret(MIN_SECRET_BYTES).optional(),
  CUSTOMER_TOKEN_AUDIENCE: z.string().max(255, 'must be at most 255 characters').optional(),
  DEMO: onOff.optional(),
  BUILDER: onOff.optional(),
  CHECKOUT_SUCCESS_URL: pageUrl.optional(),
  CHECKOUT_CANCEL_URL: pageUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  IDEMPOTENCY_TTL: duration(60, 30 * 86_400).default(24 * 3600 * 1000),
  METRICS_TOKEN: secret(16).optional(),
};

const environment = z.object(
  Object.assign({}, coreVariables, ...providerModules.map((module) => module.variables)) as typeof coreVariables,
);

type Variables = z.output<typeof environment>;

/**
 * Problems that involve several variables. A variable that is set but failed its own check holds its
 * raw text here: it counts as set, and its own problem is already reported.
 */
function crossProblems(env: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const { AMOUNT_MIN: min, AMOUNT_MAX: max } = env;
  if (min !== undefined && max === undefined && env.AMOUNT_LIMITS === undefined) {
    problems.push('AMOUNT_MIN: is set but AMOUNT_MAX is not; set AMOUNT_MAX to enable value-only links');
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    problems.push('AMOUNT_MIN: must not be greater than AMOUNT_MAX');
  }
  const oneCurrency = [min, max, env.AMOUNT_CURRENCY].some((value) => value !== undefined);
  if (env.AMOUNT_LIMITS !== undefined && oneCurrency) {
    problems.push(
      'AMOUNT_LIMITS: replaces AMOUNT_MIN, AMOUNT_MAX and AMOUNT_CURRENCY; set either AMOUNT_LIMITS or those, not both',
    );
  }
  const { SHUTDOWN_GRACE_MS: grace, UPSTREAM_TIMEOUT_MS: timeout } = env;
  if (typeof grace === 'number' && typeof timeout === 'number' && grace < timeout + GRACE_MARGIN_MS) {
    problems.push(
      `SHUTDOWN_GRACE_MS: must be at least UPSTREAM_TIMEOUT_MS + ${GRACE_MARGIN_MS} (${timeout + GRACE_MARGIN_MS}), so a checkout waiting on a provider can finish`,
    );
  }
  for (const module of providerModules) {
    for (const [variable, message] of module.crossCheck?.(env) ?? []) problems.push(`${variable}: ${message}`);
  }
  return problems;
}

/** Every variable the proxy reads. */
export const environmentVariables = Object.keys(environment.shape);

type Environment = Record<string, string | undefined>;

/** No money moves in sandbox mode, so value-only links work there out of the box, within these bounds. */
const SANDBOX_VALUE_ONLY = { min: 1, max: 100_000 } as const;
/** Time, beyond the upstream timeout, for an in-flight checkout to read its request and send its answer. */
const GRACE_MARGIN_MS = 1_000;
/** The shutdown grace period when none is set: Docker's default stop timeout, or longer for a longer upstream timeout. */
const defaultShutdownGraceMs = (upstreamTimeoutMs: number) => Math.max(10_000, upstreamTimeoutMs + 5_000);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Every bad variable is reported at once, by name, never with a secret's value:
 * each variable is parsed on its own, so one bad value hides no other problem, cross-field ones included.
 * Empty strings count as unset.
 */
export function loadConfig(env: Environment, openFile: (path: string) => number = openForReading): Config {
  const present = Object.fromEntries(
    environmentVariables.flatMap((name) => (env[name]?.trim() ? [[name, env[name].trim()]] : [])),
  );
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(environment.shape) as Array<[string, z.ZodType]>) {
    const result = schema.safeParse(present[name]);
    if (result.success) values[name] = result.data;
    else {
      values[name] = present[name];
      problems.push(...result.error.issues.map((issue) => `${name}: ${issue.message}`));
    }
  }
  problems.push(...crossProblems(values));

  const catalog = loadCatalog(present, openFile);
  if ('problems' in catalog) problems.push(...catalog.problems.map((problem) => `CATALOG_FILE: ${problem}`));
  if (problems.length > 0 || 'problems' in catalog) throw new ConfigError(problems);

  const vars = values as Variables;
  const providers = providerModules.flatMap((module) => {
    const settings = module.settings(vars);
    return settings === undefined ? [] : [{ module, settings }];
  });
  const sandbox = providers.length === 0;
  const demo = vars.DEMO === undefined ? sandbox : vars.DEMO === 'on';
  const tokenSecret = vars.CUSTOMER_TOKEN_SECRET ?? (sandbox ? randomBytes(32).toString('base64url') : undefined);
  return {
    port: vars.PORT,
    host: vars.HOST,
    logLevel: vars.LOG_LEVEL,
    trustProxy: vars.TRUST_PROXY,
    allowedOrigins: vars.ALLOWED_ORIGINS,
    publicOrigin: vars.PUBLIC_URL,
    valueOnly: valueOnlyLimits(vars, sandbox),
    upstreamTimeoutMs: vars.UPSTREAM_TIMEOUT_MS,
    upstreamConcurrency: vars.UPSTREAM_CONCURRENCY,
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS ?? defaultShutdownGraceMs(vars.UPSTREAM_TIMEOUT_MS),
    maxConnections: vars.MAX_CONNECTIONS,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
    catalog: catalog.catalog,
    catalogSource: catalog.source,
    warnings: catalog.warnings,
    providers,
    sandbox,
    customerTokenSecret: tokenSecret === undefined ? undefined : new TextEncoder().encode(tokenSecret),
    customerTokenAudience: vars.CUSTOMER_TOKEN_AUDIENCE,
    demo,
    builder: vars.BUILDER === undefined ? demo : vars.BUILDER === 'on',
    returnUrls: { success: vars.CHECKOUT_SUCCESS_URL, cancel: vars.CHECKOUT_CANCEL_URL },
    redisUrl: vars.REDIS_URL,
    idempotencyTtlMs: vars.IDEMPOTENCY_TTL,
    metricsToken: vars.METRICS_TOKEN,
  };
}

/**
 * `AMOUNT_LIMITS` for several currencies, or `AMOUNT_MIN`..`AMOUNT_MAX` in `AMOUNT_CURRENCY` for
 * one; in sandbox mode, 1 to 100000 when neither is set. Off otherwise.
 */
function valueOnlyLimits(vars: Variables, sandbox: boolean): ValueOnlyLimits | undefined {
  if (vars.AMOUNT_LIMITS !== undefined) return vars.AMOUNT_LIMITS;
  const bounds =
    vars.AMOUNT_MAX !== undefined ? { min: vars.AMOUNT_MIN ?? 1, max: vars.AMOUNT_MAX } : sandbox && SANDBOX_VALUE_ONLY;
  return bounds ? new Map([[vars.AMOUNT_CURRENCY ?? 'BRL', bounds]]) : undefined;
}
