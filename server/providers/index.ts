import type { Config } from '../config.js';
import { ProblemError } from '../problems.js';
import { createLagoProvider } from './lago.js';
import { createPagouProvider } from './pagou.js';
import type { Provider } from './provider.js';
import { createSandboxProvider } from './sandbox.js';

export type LinkKind = 'createCheckoutLink' | 'createSetupLink';

export interface Registration {
  name: string;
  /** The variable that enables it, named in the error a disabled provider answers with. */
  enabledBy: string;
  /** The kinds of link it makes, so the sandbox can stand in for it faithfully. */
  makes: readonly LinkKind[];
  create(config: Config): Provider | undefined;
}

/** Every real provider. A new one is a module plus one entry here. */
export const registrations: readonly Registration[] = [
  {
    name: 'pagou',
    enabledBy: 'PAGOU_API_KEY',
    makes: ['createCheckoutLink'],
    create: (config) => config.pagou && createPagouProvider(config.pagou, { timeoutMs: config.upstreamTimeoutMs }),
  },
  {
    name: 'lago',
    enabledBy: 'LAGO_API_KEY',
    makes: ['createSetupLink'],
    create: (config) => config.lago && createLagoProvider(config.lago, { timeoutMs: config.upstreamTimeoutMs }),
  },
];

export interface Providers {
  /** The providers this proxy runs: the configured ones, or the sandbox alone when none is. */
  readonly enabled: readonly Provider[];
  /** The provider for a request, by the name it gave (if any) and the kind of link it needs. */
  resolve(name: string | undefined, kind: LinkKind): Provider & Required<Pick<Provider, LinkKind>>;
}

export function createProviders(config: Config): Providers {
  const configured = registrations.flatMap((registration) => registration.create(config) ?? []);
  const sandbox = config.sandbox ? createSandboxProvider() : undefined;
  const enabled = sandbox ? [sandbox] : configured;
  const knownNames = [...registrations.map(({ name }) => name), 'sandbox'];

  return {
    enabled,
    resolve(name, kind) {
      const registration = registrations.find((entry) => entry.name === name);
      if (name !== undefined && !knownNames.includes(name)) {
        throw new ProblemError('provider_unavailable', `Unknown provider "${name}"; this proxy knows ${knownNames.join(', ')}.`, {
          errors: [{ field: 'provider', message: `must be one of ${knownNames.join(', ')}` }],
        });
      }
      // With no key configured, the sandbox stands in for every provider so the demo shows each flow.
      const candidates = sandbox ? [sandbox] : configured.filter((provider) => name === undefined || provider.name === name);
      if (candidates.length === 0) {
        const hint = registration ? ` (set ${registration.enabledBy})` : '';
        throw new ProblemError('provider_unavailable', `The provider "${name}" is not enabled on this proxy${hint}.`);
      }
      // Standing in for a named provider, the sandbox makes only what that provider makes.
      const emulated = sandbox && registration ? registration.makes.includes(kind) : true;
      const capable = candidates.filter((provider) => emulated && provider[kind] !== undefined);
      const what = kind === 'createCheckoutLink' ? 'checkout links' : 'payment-method set-up links';
      if (capable.length === 0) {
        const detail = name ? `The provider "${name}" does not make ${what}.` : `No enabled provider makes ${what}.`;
        throw new ProblemError('request_not_supported', detail);
      }
      if (capable.length > 1) {
        throw new ProblemError('validation_error', `Several providers make ${what}; name one in "provider".`, {
          errors: [{ field: 'provider', message: `must be one of ${capable.map((provider) => provider.name).join(', ')}` }],
        });
      }
      return capable[0] as Provider & Required<Pick<Provider, LinkKind>>;
    },
  };
}
