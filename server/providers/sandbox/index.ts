import { safeCheckoutUrl } from '../../../contract/safe-url.js';
import { ProblemError } from '../../lib/problem-error.js';
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
      return linkTo(`${publicOrigin}/sandbox/checkout/${id}`);
    },
    async createSetupLink(customerId, { publicOrigin }) {
      const { id } = store.add({ kind: 'setup', customerId });
      return linkTo(`${publicOrigin}/sandbox/setup/${id}`);
    },
  };
}

/** A link to the proxy's own pages passes the rule every provider's link does. */
function linkTo(candidate: string): string {
  const url = safeCheckoutUrl(candidate);
  if (url !== undefined) return url;
  throw new ProblemError(
    'upstream_bad_response',
    'The sandbox would link to the proxy at an origin a shopper may not be sent to (plain http on a host other than loopback); serve the proxy over https, or set PUBLIC_URL.',
  );
}
