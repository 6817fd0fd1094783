import { hash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { ProblemError } from '../lib/problem-error.js';
import type { IdempotencyStore, PendingRecord, StoredAnswer } from '../stores/idempotency-store.js';

export type { StoredAnswer };

/** The draft's and Stripe's rule: 1 to 255 printable ASCII characters. */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** A waiting request looks at the record this often at first, backing off to the longest pause. */
const POLL_FIRST_MS = 5;
const POLL_LONGEST_MS = 100;

export interface IdempotencyOptions {
  /** How long a success is replayed. */
  ttlMs: number;
  /** The longest a provider call may take: how long a second request waits for the first. */
  upstreamTimeoutMs: number;
  /** Told of every replay (for the metrics). */
  onReplay(): void;
}

export interface Outcome {
  answer: StoredAnswer;
  /** True when the answer comes from an earlier request with the same key. */
  replayed: boolean;
}

/**
 * The `Idempotency-Key` contract of draft-ietf-httpapi-idempotency-key-header, as Stripe applies it:
 * the first request with a key claims it; a later one with the same request gets the first's
 * success again without calling the provider; a different request with that key is refused. While
 * the first is in flight the later one waits for it, at most as long as a provider call may take.
 * Only successes are kept: after a failure the claim is released and a retry calls the provider.
 */
export function idempotency(store: IdempotencyStore, options: IdempotencyOptions) {
  // A claim outlives the call it covers by a margin, so an instance that dies mid-call frees the key soon after.
  const pendingTtlMs = options.upstreamTimeoutMs + 5_000;

  return {
    /** The request's key, checked; undefined when it sent none. */
    keyOf(req: Request): string | undefined {
      const key = req.get('idempotency-key');
      if (key === undefined) return undefined;
      if (KEY_PATTERN.test(key)) return key;
      throw new ProblemError(
        'idempotency_key_invalid',
        'The Idempotency-Key header must be 1 to 255 printable ASCII characters, such as a UUID.',
      );
    },

    /**
     * Answers a request once per key. `request` is what makes two requests the same (the validated
     * body, the provider and the customer); `admitted` is a check the request must pass first (the
     * rate limit), already under way; `produce` makes the answer, given the key to pass to a provider
     * that takes one (undefined when the client sent none).
     */
    async run(
      key: string | undefined,
      request: unknown,
      admitted: Promise<void>,
      produce: (providerKey: string | undefined) => Promise<StoredAnswer>,
    ): Promise<Outcome> {
      if (key === undefined) {
        await admitted;
        return { answer: await produce(undefined), replayed: false };
      }
      const fingerprint = hash('sha256', JSON.stringify(request), 'base64url');
      const pending: PendingRecord = { state: 'pending', fingerprint, owner: randomUUID() };
      const deadline = Date.now() + options.upstreamTimeoutMs;

      for (let pause = POLL_FIRST_MS; ; pause = Math.min(pause * 2, POLL_LONGEST_MS)) {
        // With Redis the first claim goes out while the check is still under way, so the rate-limit
        // count and the claim share one round trip. A request that fails the check gives back any
        // claim it made and never waits for another's.
        const [admission, claim] = await Promise.allSettled([
          admitted,
          store.claim(key, pending, pendingTtlMs, admitted),
        ]);
        if (admission.status === 'rejected') {
          if (claim.status === 'fulfilled' && claim.value === undefined) await store.release(key, pending);
          throw admission.reason;
        }
        if (claim.status === 'rejected') throw claim.reason;
        const existing = claim.value;
        if (existing === undefined) {
          let answer: StoredAnswer;
          try {
            answer = await produce(providerKey(key, fingerprint));
          } catch (error) {
            await store.release(key, pending);
            throw error;
          }
          // Not awaited: the answer need not wait a round trip to Redis. A retry that comes first finds
          // the claim and waits the few milliseconds until the record lands (the store falls back to
          // memory rather than fail, so nothing is lost to a rejection).
          void store.put(key, { state: 'done', fingerprint, answer }, options.ttlMs);
          return { answer, replayed: false };
        }
        if (existing.fingerprint !== fingerprint) {
          throw new ProblemError(
            'idempotency_key_reused',
            'This Idempotency-Key was already used for a different checkout; send a new key for a new checkout.',
          );
        }
        if (existing.state === 'done') {
          options.onReplay();
          return { answer: existing.answer, replayed: true };
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new ProblemError(
            'idempotency_key_in_use',
            'A checkout with this Idempotency-Key is still being created; retry with the same key in a moment.',
            { headers: { 'retry-after': '1' } },
          );
        }
        await sleep(Math.min(pause, left));
      }
    },
  };
}

export type Idempotency = ReturnType<typeof idempotency>;

/**
 * The key a provider that takes one (Stripe) receives: derived from the client's key and the
 * request, so a retry of the same checkout reuses it even if the record here is lost, and no
 * client-chosen string reaches the provider as is.
 */
function providerKey(key: string, fingerprint: string): string {
  return `checkout-button-${hash('sha256', `${key}\n${fingerprint}`, 'base64url')}`;
}
