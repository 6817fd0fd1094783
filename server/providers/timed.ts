import type { Histogram } from 'prom-client';
import { ProblemError } from '../lib/problem-error.js';
import type { LinkKind, Provider } from './provider.js';
import type { Providers } from './registry.js';

const linkKinds: readonly LinkKind[] = ['createCheckoutLink', 'createSetupLink'];

/** `providers`, with the time each link takes observed in `latency` by provider and outcome. */
export function timedProviders(providers: Providers, latency: Histogram<'provider' | 'outcome'>): Providers {
  const timed = new Map<Provider, Provider>(
    providers.enabled.map((provider) => [provider, withTiming(provider, latency)]),
  );
  return {
    enabled: providers.enabled,
    resolve(name, kind) {
      const provider = providers.resolve(name, kind);
      return (timed.get(provider) ?? provider) as typeof provider;
    },
  };
}

function withTiming(provider: Provider, latency: Histogram<'provider' | 'outcome'>): Provider {
  const wrapped: Provider = { ...provider };
  for (const kind of linkKinds) {
    const make = provider[kind] as ((...args: unknown[]) => Promise<string>) | undefined;
    if (make === undefined) continue;
    Object.assign(wrapped, {
      [kind]: async (...args: unknown[]) => {
        const stop = latency.startTimer({ provider: provider.name });
        try {
          const url = await make.apply(provider, args);
          stop({ outcome: 'created' });
          return url;
        } catch (error) {
          stop({ outcome: error instanceof ProblemError ? error.code : 'internal_error' });
          throw error;
        }
      },
    });
  }
  return wrapped;
}
