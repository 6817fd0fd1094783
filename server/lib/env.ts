/**
 * Parsers for environment variables, shared by the core configuration and the providers' slices of
 * it. Every value arrives as a trimmed, non-empty string; messages never echo a value (some are keys).
 */
import { z } from 'zod';
import { isSafeCheckoutUrl } from '../../contract/safe-url.js';

/** A whole number from `min` to `max`. */
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
 * send a key in clear over a network). Returned without a trailing slash.
 */
export const upstreamUrl = z
  .string()
  .superRefine((value, context) => {
    if (isSafeCheckoutUrl(value)) return;
    context.addIssue({
      code: 'custom',
      message:
        URL.canParse(value) && new URL(value).protocol === 'http:'
          ? 'must use https (plain http is only allowed on loopback hosts)'
          : 'must be an absolute https URL',
    });
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** A page to send a shopper to, held to the rule for checkout URLs: https, or http only on loopback. Kept as written. */
export const pageUrl = z
  .string()
  .refine(isSafeCheckoutUrl, 'must be an absolute https URL (plain http is only allowed on loopback hosts)');

/** A comma-separated list of origins such as `https://shop.example.com`. */
export const origins = z.string().transform((value, context) => {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = list.filter((item) => !URL.canParse(item) || new URL(item).origin !== item.replace(/\/$/, ''));
  for (const item of bad) {
    context.addIssue({
      code: 'custom',
      message: `"${item}" is not an origin like https://shop.example.com (scheme, host and port only)`,
    });
  }
  return bad.length > 0 ? z.NEVER : list.map((item) => new URL(item).origin);
});

/** `on` or `off`. */
export const onOff = z.enum(['on', 'off'], { error: 'must be on or off' });
