import type { JWTPayload } from 'jose';
import { ProblemError } from '../lib/problem-error.js';

/**
 * jose loads on the first token, not at start-up: most proxies never see one, and loading it took
 * about 25 ms of the proxy's start-up (about 700 ms to the first 201 on the bench's machine).
 */
const jose = () => import('jose');

/** The longest a token may live: it stands for a customer's consent to open their payment-method page. */
const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** HS256 keys shorter than the hash output are brute-forceable. */
export const MIN_SECRET_BYTES = 32;
/** How far the signer's clock may run ahead of the proxy's before a 24 h token counts as longer-lived. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * The audience of the tokens the sandbox's demo route mints with its per-start secret. Only a proxy
 * in sandbox mode takes them: a proxy that calls a real Lago refuses them, even when an operator
 * kept the secret across the switch.
 */
export const SANDBOX_DEMO_AUDIENCE = 'urn:checkout-button:sandbox-demo';

export interface SignOptions {
  /** The HS256 secret shared with the proxy (`CUSTOMER_TOKEN_SECRET`), at least 32 bytes. */
  secret: string | Uint8Array;
  /** Lifetime: seconds, or a span such as "90s", "15m", "2h", "1d"; at most 24 h. Default 15 minutes. */
  ttl?: number | string;
  /** The `aud` claim: the proxy's `CUSTOMER_TOKEN_AUDIENCE`, when it sets one. */
  audience?: string;
}

export interface VerifyOptions {
  /** The audience the token must name (`CUSTOMER_TOKEN_AUDIENCE`); undefined checks none. */
  audience?: string;
  /** Take tokens minted by the sandbox's demo route: only a proxy in sandbox mode does. */
  acceptSandboxDemo?: boolean;
}

const key = (secret: string | Uint8Array) => (typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

const spanPattern = /^(\d+)\s*([smhd]?)$/;
const unitSeconds: Record<string, number> = { '': 1, s: 1, m: 60, h: 60 * 60, d: 24 * 60 * 60 };

function ttlSeconds(ttl: number | string): number {
  const span = typeof ttl === 'string' ? spanPattern.exec(ttl.trim()) : null;
  const seconds = typeof ttl === 'number' ? ttl : span ? Number(span[1]) * unitSeconds[span[2]!]! : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new TypeError(
      `ttl must be whole seconds or a span such as "15m" or "2h", from 1 second to 24 hours (got ${JSON.stringify(ttl)})`,
    );
  }
  return seconds;
}

/** Mints the token a page hands to `<checkout-button customer-token>`: HS256, `sub` = Lago's external customer id. */
export async function signCustomerToken(
  externalCustomerId: string,
  { secret, ttl = '15m', audience }: SignOptions,
): Promise<string> {
  if (typeof externalCustomerId !== 'string' || !externalCustomerId)
    throw new TypeError('externalCustomerId must be a non-empty string');
  if (key(secret).byteLength < MIN_SECRET_BYTES)
    throw new TypeError(`secret must be at least ${MIN_SECRET_BYTES} bytes`);
  const lifetime = ttlSeconds(ttl);
  const now = Math.floor(Date.now() / 1000);
  const { SignJWT } = await jose();
  const token = new SignJWT()
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(externalCustomerId)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime);
  return (audience === undefined ? token : token.setAudience(audience)).sign(key(secret));
}

/**
 * Returns the customer id a valid token names. Only HS256 with a valid signature, `exp` required,
 * `sub` a non-empty string of whole characters, the configured audience if any, and at most 24 h of
 * life (from `iat` when present, and from now in any case, so a token without `iat` cannot live
 * for years); anything else is 401 invalid_customer_token.
 */
export async function verifyCustomerToken(
  token: string,
  secret: Uint8Array,
  { audience, acceptSandboxDemo = false }: VerifyOptions = {},
): Promise<string> {
  let payload: JWTPayload;
  const audiences =
    audience === undefined ? undefined : [audience, ...(acceptSandboxDemo ? [SANDBOX_DEMO_AUDIENCE] : [])];
  const { errors, jwtVerify } = await jose();
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      audience: audiences,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw invalidToken("has expired; ask the shop's backend for a new one", error);
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
      throw invalidToken(`is not meant for this proxy: its aud must be "${audience}" (CUSTOMER_TOKEN_AUDIENCE)`, error);
    throw invalidToken(
      "is not valid: it must be a JWT with exp and sub, signed with HS256 and the proxy's CUSTOMER_TOKEN_SECRET",
      error,
    );
  }
  if (!acceptSandboxDemo && [payload.aud ?? []].flat().includes(SANDBOX_DEMO_AUDIENCE))
    throw invalidToken("comes from the sandbox's demo; mint one on the shop's backend");
  // jose checks that `sub` is present, not that it is a string; a lone surrogate cannot go into Lago's URL.
  if (typeof payload.sub !== 'string' || payload.sub === '' || /\p{Cs}/u.test(payload.sub))
    throw invalidToken('names no customer: sub must be a non-empty string of Unicode characters');
  const expiresAt = payload.exp!;
  const now = Math.floor(Date.now() / 1000);
  const tooLong =
    expiresAt - now > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS ||
    (payload.iat !== undefined && expiresAt - payload.iat > MAX_TOKEN_LIFETIME_SECONDS);
  if (tooLong) throw invalidToken('lives longer than 24 hours; mint one with a shorter lifetime');
  return payload.sub;
}

const invalidToken = (reason: string, cause?: unknown) =>
  new ProblemError('invalid_customer_token', `The customer token ${reason}.`, { cause });
