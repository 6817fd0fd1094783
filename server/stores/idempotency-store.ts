/** What a successful checkout answered, kept so a retry with the same Idempotency-Key gets it again. */
export interface StoredAnswer {
  status: number;
  provider: string;
  /** The JSON body (widget and API clients). */
  body?: unknown;
  /** The `Location` of a 303 (a plain form posted by a client that sent a key). */
  location?: string;
}

/** A request with this key is being served; `owner` tells its claim apart from a later one. */
export interface PendingRecord {
  state: 'pending';
  fingerprint: string;
  owner: string;
}

export interface DoneRecord {
  state: 'done';
  fingerprint: string;
  answer: StoredAnswer;
}

export type IdempotencyRecord = PendingRecord | DoneRecord;

/** Where Idempotency-Key records live: this instance's memory, or Redis for every instance. */
export interface IdempotencyStore {
  /**
   * Stores `pending` unless a live record holds the key; returns that record, or undefined when the
   * key is now ours. `admitted` is a check the request must still pass (the rate limit). Memory waits
   * for it before taking a place, so a refused request never pushes a record out; Redis sends the
   * claim at once, to share the check's round trip, and the caller gives it back if the check fails.
   */
  claim(
    key: string,
    pending: PendingRecord,
    ttlMs: number,
    admitted?: Promise<void>,
  ): Promise<IdempotencyRecord | undefined>;
  /**
   * Replaces the record under `key` (the claimant, with its outcome). Never rejects: callers do not
   * wait for it, so a store that can fail (Redis) falls back instead.
   */
  put(key: string, record: DoneRecord, ttlMs: number): Promise<void>;
  /** Removes `pending`'s claim, and nothing else: a later claim by another request stays. */
  release(key: string, pending: PendingRecord): Promise<void>;
}
