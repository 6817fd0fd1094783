import { parseArgs } from 'node:util';
import { MIN_SECRET_BYTES, signCustomerToken } from '../checkout/customer-token.js';
import { fail } from './output.js';

export const tokenUsage = `Usage: checkout-button token <external_customer_id> [--ttl 15m]

Prints a customer token for <checkout-button provider="lago" customer-token="…">, signed with
CUSTOMER_TOKEN_SECRET (from the environment or .env) and bound to CUSTOMER_TOKEN_AUDIENCE when
that is set. --ttl takes seconds or a span such as 90s, 15m, 2h or 1d (at most 24 hours); the
default is 15m.`;

/**
 * Writes the token alone on stdout, so `$(npx checkout-button token id)` captures just it; errors go
 * to stderr. Returns the exit code.
 */
export async function token(argv: string[]): Promise<number> {
  let values: { ttl?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { ttl: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${tokenUsage}`);
  }
  if (values.help) {
    process.stdout.write(`${tokenUsage}\n`);
    return 0;
  }
  const [customerId, ...extra] = positionals;
  if (!customerId || extra.length > 0) return fail(`Give exactly one external customer id.\n\n${tokenUsage}`);

  // Trimmed like the proxy's configuration does, so both sides use the same key.
  const secret = process.env.CUSTOMER_TOKEN_SECRET?.trim();
  if (!secret)
    return fail(
      'CUSTOMER_TOKEN_SECRET is not set: set it in the environment or in .env, to the same value the proxy uses.',
    );
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    return fail(`CUSTOMER_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes.`);

  try {
    const audience = process.env.CUSTOMER_TOKEN_AUDIENCE?.trim() || undefined;
    process.stdout.write(`${await signCustomerToken(customerId, { secret, ttl: values.ttl, audience })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TypeError) return fail(error.message);
    throw error;
  }
}
