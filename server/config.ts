import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Catalog, CatalogError, parseCatalog } from './catalog.js';
import { MIN_SECRET_BYTES } from './customer-token.js';
import { isSafeCheckoutUrl } from './safe-url.js';
import { demoCatalogPath } from './paths.js';

export interface UpstreamSettings {
  apiKey: string;
  /** Base URL without a trailing slash. */
  apiUrl: string;
}

export interface Config {
  port: number;
  /** The address to listen on; undefined listens on every interface. */
  host: string | undefined;
  logLevel: LogLevel;
  /** Express `trust proxy` as a hop count: how many reverse proxies sit in front of the proxy. */
  trustProxy: number;
  /** Origins, besides the proxy's own, that may call the API from a browser. */
  allowedOrigins: string[];
  /** Bounds for value-only links, in minor units; undefined when value-only links are disabled. */
  valueOnly: { min: number; max: number } | undefined;
  upstreamTimeoutMs: number;
  rateLimitPerMinute: number;
  catalog: Catalog;
  pagou: UpstreamSettings | undefined;
  lago: UpstreamSettings | undefined;
  /** No provider key is set: the built-in sandbox provider stands in for every provider. */
  sandbox: boolean;
  /** HS256 secret for customer tokens; random per start in sandbox mode when none is configured. */
  customerTokenSecret: Uint8Array | undefined;
  /** Serve the demo storefront at `/`. */
  demo: boolean;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const integer = (min: number, max: number) =>
  z.string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/**
 * An upstream base URL, held to the rule for checkout URLs: https, or http only on loopback (never
 * send a key in clear over a network).
 */
const upstreamUrl = z
  .string()
  .superRefine((value, context) => {
    if (isSafeCheckoutUrl(value)) return;
    context.addIssue({
      code: 'custom',
      message: URL.canParse(value) && new URL(value).protocol === 'http:'
        ? 'must use https (plain http is only allowed on loopback hosts)'
        : 'must be an absolute https URL',
    });
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** Never echoes its value: these are keys. */
const secret = (minBytes = 1) =>
  z.string().refine((value) => Buffer.byteLength(value) >= minBytes, `must be at least ${minBytes} bytes`);

const origins = z.string().transform((value, context) => {
  const list = value.split(',').map((item) => item.trim()).filter(Boolean);
  const bad = list.filter((item) => !URL.canParse(item) || new URL(item).origin !== item.replace(/\/$/, ''));
  for (const item of bad) {
    context.addIssue({ code: 'custom', message: `"${item}" is not an origin like https://shop.example.com (scheme, host and port only)` });
  }
  return bad.length > 0 ? z.NEVER : list.map((item) => new URL(item).origin);
});

const environment = z
  .object({
    PORT: integer(0, 65535).default(3000),
    HOST: z.string().regex(/^[\w.:[\]-]+$/, 'must be a host name or an IP address, such as 127.0.0.1 or ::').optional(),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    TRUST_PROXY: integer(0, 10).default(0),
    ALLOWED_ORIGINS: origins.default([]),
    AMOUNT_MIN: integer(1, Number.MAX_SAFE_INTEGER).optional(),
    AMOUNT_MAX: integer(1, Number.MAX_SAFE_INTEGER).optional(),
    UPSTREAM_TIMEOUT_MS: integer(100, 120_000).default(10_000),
    RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(30),
    CATALOG_FILE: z.string().default(demoCatalogPath),
    PAGOU_API_KEY: secret().optional(),
    PAGOU_API_URL: upstreamUrl.default('https://api.pagou.ai'),
    LAGO_API_KEY: secret().optional(),
    LAGO_API_URL: upstreamUrl.default('https://api.getlago.com'),
    CUSTOMER_TOKEN_SECRET: secret(MIN_SECRET_BYTES).optional(),
    DEMO: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  })
  .superRefine((env, context) => {
    if (env.AMOUNT_MIN !== undefined && env.AMOUNT_MAX === undefined) {
      context.addIssue({ code: 'custom', path: ['AMOUNT_MIN'], message: 'is set but AMOUNT_MAX is not; set AMOUNT_MAX to enable value-only links' });
    }
    if (env.AMOUNT_MIN !== undefined && env.AMOUNT_MAX !== undefined && env.AMOUNT_MIN > env.AMOUNT_MAX) {
      context.addIssue({ code: 'custom', path: ['AMOUNT_MIN'], message: 'must not be greater than AMOUNT_MAX' });
    }
    if (env.LAGO_API_KEY !== undefined && env.CUSTOMER_TOKEN_SECRET === undefined) {
      context.addIssue({ code: 'custom', path: ['CUSTOMER_TOKEN_SECRET'], message: 'is required when LAGO_API_KEY is set (at least 32 bytes, shared with your backend)' });
    }
  });

/** Every variable the proxy reads. */
export const environmentVariables = Object.keys(environment.shape);

type Environment = Record<string, string | undefined>;

/** No money moves in sandbox mode, so value-only links work there out of the box, within these bounds. */
const SANDBOX_VALUE_ONLY = { min: 1, max: 100_000 } as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Every bad variable is reported at once, by name, never with its value.
 * Empty strings count as unset.
 */
export function loadConfig(env: Environment, readText = (path: string) => readFileSync(path, 'utf8')): Config {
  const present = Object.fromEntries(
    environmentVariables.flatMap((name) => (env[name]?.trim() ? [[name, env[name].trim()]] : [])),
  );
  const result = environment.safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);

  const catalogFile = result.success ? result.data.CATALOG_FILE : (present.CATALOG_FILE ?? demoCatalogPath);
  let catalog: Catalog | undefined;
  try {
    catalog = parseCatalog(readText(catalogFile));
  } catch (error) {
    const details = error instanceof CatalogError ? error.problems : [`cannot read ${catalogFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`];
    problems.push(...details.map((detail) => `CATALOG_FILE: ${detail}`));
  }

  if (!result.success || !catalog || problems.length > 0) throw new ConfigError(problems);
  const vars = result.data;
  const pagou = vars.PAGOU_API_KEY ? { apiKey: vars.PAGOU_API_KEY, apiUrl: vars.PAGOU_API_URL } : undefined;
  const lago = vars.LAGO_API_KEY ? { apiKey: vars.LAGO_API_KEY, apiUrl: vars.LAGO_API_URL } : undefined;
  const sandbox = !pagou && !lago;
  const tokenSecret = vars.CUSTOMER_TOKEN_SECRET ?? (sandbox ? randomBytes(32).toString('base64url') : undefined);
  return {
    port: vars.PORT,
    host: vars.HOST,
    logLevel: vars.LOG_LEVEL,
    trustProxy: vars.TRUST_PROXY,
    allowedOrigins: vars.ALLOWED_ORIGINS,
    valueOnly: vars.AMOUNT_MAX !== undefined
      ? { min: vars.AMOUNT_MIN ?? 1, max: vars.AMOUNT_MAX }
      : sandbox ? SANDBOX_VALUE_ONLY : undefined,
    upstreamTimeoutMs: vars.UPSTREAM_TIMEOUT_MS,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
    catalog,
    pagou,
    lago,
    sandbox,
    customerTokenSecret: tokenSecret === undefined ? undefined : new TextEncoder().encode(tokenSecret),
    demo: vars.DEMO === undefined ? sandbox : vars.DEMO === 'on',
  };
}
