import { ProblemError } from '../lib/problem-error.js';
import { lagoProvider } from './lago.js';
import { pagouProvider } from './pagou.js';
import type {
  AnyProviderModule,
  ConfiguredProvider,
  LinkKind,
  Provider,
  ProviderMaking,
  ProviderOptions,
} from './provider.js';
import { createSandboxProvider } from './sandbox/index.js';
import { stripeProvider } from './stripe.js';
import { upstreamPool } from './upstream-pool.js';

/** Every real provider. A new one is a module plus one entry here. */
export const providerModules: readonly AnyProviderModule[] = [pagouProvider, lagoProvider, stripeProvider];

const SANDBOX = 'sandbox';

export interface Providers {
  /** The providers this proxy runs: the configured ones, or the sandbox alone when none is. */
  readonly enabled: readonly Provider[];
  /** The provider for a request, by the name it gave (if any) and the kind of link it needs. */
  resolve<Kind extends LinkKind>(name: string | undefined, kind: Kind): ProviderMaking<Kind>;
}

export interface CallLimits {
  upstreamTimeoutMs: number;
  /** The most provider calls at once (UPSTREAM_CONCURRENCY), so the most connections to keep. */
  upstreamConcurrency: number;
}

/**
 * The providers for a configuration: the real ones it turned on, sharing one pool of keep-alive
 * connections, or, with none, the sandbox standing in for every provider so the demo shows each flow.
 */
export function createProviders(
  configured: readonly ConfiguredProvider[],
  { upstreamTimeoutMs, upstreamConcurrency }: CallLimits,
): Providers {
  const options: ProviderOptions = { upstreamTimeoutMs, pool: upstreamPool(upstreamConcurrency) };
  const real = configured.map(({ module, settings }) => module.create(settings, options) as Provider);
  const sandbox = real.length === 0 ? createSandboxProvider() : undefined;
  return selectingFrom(sandbox ? [sandbox] : real, sandbox !== undefined);
}

/** Resolution over a fixed set of providers; `standingIn` when the sandbox plays every real provider. */
export function selectingFrom(enabled: readonly Provider[], standingIn = false): Providers {
  const knownNames = [...providerModules.map(({ name }) => name), SANDBOX];
  return {
    enabled,
    resolve(name, kind) {
      const module = providerModules.find((entry) => entry.name === name);
      if (name !== undefined && !knownNames.includes(name) && !enabled.some((provider) => provider.name === name)) {
        throw new ProblemError(
          'provider_unavailable',
          `Unknown provider "${name}"; this proxy knows ${knownNames.join(', ')}.`,
          {
            errors: [{ field: 'provider', message: `must be one of ${knownNames.join(', ')}` }],
          },
        );
      }
      const candidates = standingIn
        ? enabled
        : enabled.filter((provider) => name === undefined || provider.name === name);
      if (candidates.length === 0) {
        const hint = module ? ` (set ${module.enabledBy})` : '';
        throw new ProblemError('provider_unavailable', `The provider "${name}" is not enabled on this proxy${hint}.`);
      }
      // Standing in for a named provider, the sandbox makes only what that provider makes.
      const emulated = standingIn && module ? module.makes.includes(kind) : true;
      const capable = candidates.filter((provider) => emulated && provider[kind] !== undefined);
      const what = kind === 'createCheckoutLink' ? 'checkout links' : 'payment-method set-up links';
      if (capable.length === 0) {
        const detail = name ? `The provider "${name}" does not make ${what}.` : `No enabled provider makes ${what}.`;
        throw new ProblemError('request_not_supported', detail);
      }
      if (capable.length > 1) {
        throw new ProblemError('validation_error', `Several providers make ${what}; name one in "provider".`, {
          errors: [
            { field: 'provider', message: `must be one of ${capable.map((provider) => provider.name).join(', ')}` },
          ],
        });
      }
      return capable[0] as ProviderMaking<typeof kind>;
    },
  };
}
