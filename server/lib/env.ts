/**
 * Parsers for environment variables, shared by the core configuration and the providers' slices of
 * it. Every value arrives as a trimmed, non-empty string; messages never echo a value that may be secret.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { type Currency, currencies } from '../../contract/currencies.js';
import { safeCheckoutUrl } from '../../contract/safe-url.js';
import { parseAllowedOrigin } from './origins.js';

/** A whole number from `min` to `max`, in plain decimal digits (the no-script form's numbers use it too). */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** A key or secret of at least `minBytes` bytes. */
export const secret = (minBytes = 1) =>
  z.string().refine((value) => Buffer.byteLength(value) >= minBytes, `must be at least ${minBytes} bytes`);

/**
 * A provider's base URL, held to the rule for checkout URLs: https, or http only on loopback (never
 * send a key in clear over a network). Returned normalized, without a trailing slash.
 */
export const upstreamUrl = z.string().transform((value, context) => {
  const safe = safeCheckoutUrl(value);
  if (safe !== undefined) return safe.replace(/\/+$/, '');
  context.addIssue({
    code: 'custom',
    message:
      URL.canParse(value) && new URL(value).protocol === 'http:'
        ? 'must use https (plain http is only allowed on loopback hosts)'
        : 'must be an absolute https URL',
  });
  return z.NEVER;
});

/** A page to send a shopper to, held to the rule for checkout URLs: https, or http only on loopback. Kept as written. */
export const pageUrl = z
  .string()
  .refine(
    (value) => safeCheckoutUrl(value) !== undefined,
    'must be an absolute https URL (plain http is only allowed on loopback hosts)',
  )
  .transform((value) => safeCheckoutUrl(value) ?? value);

/** A comma-separated list of origins such as `https://shop.example.com` or `https://*.example.com`. */
export const origins = z.string().transform((value, context) => {
  const parsed = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map(parseAllowedOrigin);
  for (const entry of parsed) {
    if ('problem' in entry) context.addIssue({ code: 'custom', message: entry.problem });
  }
  return parsed.flatMap((entry) => ('origin' in entry ? [entry.origin] : []));
});

const hostName = /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*\.?$/i;

/** The address to listen on: a host name or an IP address, with no scheme, port or brackets. */
export const listenHost = z.string().superRefine((value, context) => {
  if (isIP(value) !== 0 || hostName.test(value)) return;
  const withPort = /^(\[[\da-f:.]+\]|[^:]+):(\d+)$/i.exec(value);
  context.addIssue({
    code: 'custom',
    message: withPort
      ? `holds a port too; put the host in HOST and the port in PORT (HOST=${withPort[1]!.replace(/^\[|\]$/g, '')} and PORT=${withPort[2]})`
      : /^\[.*\]$/.test(value)
        ? 'must be an IPv6 address without brackets, such as ::1'
        : 'must be a host name or an IP address, such as 127.0.0.1 or :: (no scheme, port or path)',
  });
});

/** The proxy's public origin (`https://pay.shop.example`): an origin, held to the rule for checkout URLs. */
export const publicUrl = z.string().transform((value, context) => {
  const safe = safeCheckoutUrl(value);
  if (safe !== undefined && new URL(safe).origin === safe.replace(/\/$/, '')) return new URL(safe).origin;
  context.addIssue({
    code: 'custom',
    message:
      'must be the origin browsers reach the proxy at, like https://pay.shop.example (scheme, host and port only; plain http only on loopback hosts)',
  });
  return z.NEVER;
});

/** One of the currencies the proxy knows, by its ISO code. */
export const currency = z.enum(currencies, { error: 'must be a currency code such as BRL or USD' });

const limitPattern = /^([A-Z]{3}):(\d{1,16})-(\d{1,16})$/;

/** One `CURRENCY:MIN-MAX` item, or what is wrong with it. */
function parseLimit(item: string): [Currency, { min: number; max: number }] | string {
  const match = limitPattern.exec(item);
  if (!match) return 'is not CURRENCY:MIN-MAX, such as BRL:500-100000';
  const code = match[1] as Currency;
  const [min, max] = [Number(match[2]), Number(match[3])];
  if (!currencies.includes(code)) return `names ${code}, which is not a currency the proxy knows`;
  if (min < 1 || min > max || max > Number.MAX_SAFE_INTEGER)
    return `needs 1 <= MIN <= MAX <= ${Number.MAX_SAFE_INTEGER}`;
  return [code, { min, max }];
}

/**
 * Value-only bounds per currency, `BRL:500-100000,USD:100-20000` (minor units), in the order given:
 * an amount sent without a currency is in the first one.
 */
export const amountLimits = z.string().transform((value, context) => {
  const limits = new Map<Currency, { min: number; max: number }>();
  for (const item of value.split(',').map((entry) => entry.trim())) {
    const parsed = parseLimit(item);
    const problem = typeof parsed === 'string' ? parsed : limits.has(parsed[0]) ? `repeats ${parsed[0]}` : undefined;
    if (problem !== undefined) context.addIssue({ code: 'custom', message: `"${item}" ${problem}` });
    else limits.set(...(parsed as [Currency, { min: number; max: number }]));
  }
  return limits;
});

/** `on` or `off`. */
export const onOff = z.enum(['on', 'off'], { error: 'must be on or off' });

const durationUnits = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A duration such as `24h`, `90m`, `30s` or `2d` (a bare number is seconds), from `min` to `max` seconds; in ms. */
export const duration = (minSeconds: number, maxSeconds: number) =>
  z
    .string()
    .regex(/^\d+[smhd]?$/, 'must be a duration such as 24h, 90m or 3600 (seconds)')
    .transform((value) => {
      const unit = value.at(-1) as string;
      return unit in durationUnits
        ? Number(value.slice(0, -1)) * durationUnits[unit as keyof typeof durationUnits]
        : Number(value);
    })
    .pipe(
      z
        .int()
        .min(minSeconds, `must be at least ${minSeconds} seconds`)
        .max(maxSeconds, `must be at most ${maxSeconds} seconds`),
    )
    .transform((seconds) => seconds * 1000);

/** A `redis://` or `rediss://` URL. */
export const redisUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && ['redis:', 'rediss:'].includes(new URL(value).protocol),
    'must be a redis:// or rediss:// URL, such as redis://redis.internal:6379',
  );
