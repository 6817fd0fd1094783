import { errors, jwtVerify, SignJWT } from 'jose';
import { ProblemError } from './problems.js';

/** The longest a token may live: it stands for a customer's consent to open their payment-method page. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export interface SignOptions {
  /** The HS256 secret shared with the proxy (`CUSTOMER_TOKEN_SECRET`), at least 32 bytes. */
  secret: string | Uint8Array;
  /** Lifetime: seconds, or a jose time span such as "15m" or "2h". Default 15 minutes. */
  ttl?: number | string;
}

const key = (secret: string | Uint8Array) => (typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

/** Mints the token a page hands to `<checkout-button customer-token>`: HS256, `sub` = Lago's external customer id. */
export async function signCustomerToken(externalCustomerId: string, { secret, ttl = '15m' }: SignOptions): Promise<string> {
  if (!externalCustomerId) throw new TypeError('externalCustomerId must not be empty');
  if (key(secret).byteLength < 32) throw new TypeError('secret must be at least 32 bytes');
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = typeof ttl === 'number' ? now + ttl : ttl;
  return new SignJWT()
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(externalCustomerId)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(key(secret));
}

/**
 * Returns the customer id a valid token names. Only HS256 with a signature, `exp` required and at
 * most 24 h after `iat`, `sub` present; anything else is 401 invalid_customer_token.
 */
export async function verifyCustomerToken(token: string, secret: Uint8Array): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    if (!payload.sub) throw new ProblemError('invalid_customer_token', 'The customer token names no customer (sub).');
    if (payload.iat !== undefined && payload.exp! - payload.iat > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new ProblemError('invalid_customer_token', 'The customer token lives longer than 24 hours; mint a shorter one.');
    }
    return payload.sub;
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    const reason = error instanceof errors.JWTExpired ? 'has expired' : 'is not valid';
    throw new ProblemError('invalid_customer_token', `The customer token ${reason}; ask the shop's backend for a new one.`, { cause: error });
  }
}
