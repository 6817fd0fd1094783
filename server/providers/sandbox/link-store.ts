import { randomUUID } from 'node:crypto';
import type { PricedCheckout } from '../../checkout/pricing.js';

type LinkContent = { kind: 'checkout'; checkout: PricedCheckout } | { kind: 'setup'; customerId: string };
export type SandboxLink = LinkContent & { id: string; createdAt: number; completedAt?: number };

export interface SandboxOptions {
  /** How many links to keep; the oldest goes first. */
  capacity?: number;
  /** How long a link stays payable. */
  ttlMs?: number;
  now?: () => number;
}

/** In-memory links, bounded in count and age, so a flood of checkouts cannot grow the process. */
export class SandboxLinkStore {
  readonly #links = new Map<string, SandboxLink>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor({ capacity = 1000, ttlMs = 60 * 60 * 1000, now = Date.now }: SandboxOptions = {}) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  add(content: LinkContent): SandboxLink {
    const stored: SandboxLink = { ...content, id: randomUUID(), createdAt: this.#now() };
    this.#links.set(stored.id, stored);
    if (this.#links.size > this.#capacity) this.#links.delete(this.#links.keys().next().value!);
    return stored;
  }

  get(id: string): SandboxLink | undefined {
    const link = this.#links.get(id);
    if (link && this.#now() - link.createdAt > this.#ttlMs) {
      this.#links.delete(id);
      return undefined;
    }
    return link;
  }

  get size(): number {
    return this.#links.size;
  }
}
