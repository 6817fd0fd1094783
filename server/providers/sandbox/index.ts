import type { LinkKind, ProviderMaking } from '../provider.js';
import { SandboxLinkStore, type SandboxOptions } from './link-store.js';
import { createSandboxPages } from './pages.js';

/**
 * The built-in provider when no key is configured: it takes the same priced checkout every provider
 * receives and links to hosted pages the proxy serves itself, so the demo runs the real pipeline.
 */
export function createSandboxProvider(
  options: SandboxOptions = {},
): ProviderMaking<LinkKind> & { store: SandboxLinkStore } {
  const store = new SandboxLinkStore(options);
  return {
    name: 'sandbox',
    store,
    pages: createSandboxPages(store),
    async createCheckoutLink(checkout, { publicOrigin }) {
      const { id } = store.add({ kind: 'checkout', checkout });
      return `${publicOrigin}/sandbox/checkout/${id}`;
    },
    async createSetupLink(customerId, { publicOrigin }) {
      const { id } = store.add({ kind: 'setup', customerId });
      return `${publicOrigin}/sandbox/setup/${id}`;
    },
  };
}
