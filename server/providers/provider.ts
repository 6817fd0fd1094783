import type { Router } from 'express';
import type { z } from 'zod';
import type { PricedCheckout } from '../checkout/pricing.js';
import type { Logger } from '../lib/logger.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface LinkContext {
  /** The proxy's origin as the browser sees it, for links to pages the proxy serves itself. */
  publicOrigin: string;
  /** Request-scoped logger (carries the request id). */
  log: Logger;
  /**
   * Set when the client sent an Idempotency-Key: a key derived from it and the request, the same on
   * every retry of that checkout. A provider whose API takes idempotency keys (Stripe) sends it;
   * the others ignore it.
   */
  idempotencyKey?: string | undefined;
}

/** The kinds of link a provider can make. Each returns the hosted page URL or throws a ProblemError. */
export interface LinkMakers {
  /** A hosted checkout page for a priced cart or a value-only amount. */
  createCheckoutLink(checkout: PricedCheckout, context: LinkContext): Promise<string>;
  /** A page where the customer sets up a payment method; `customerId` comes from a verified token. */
  createSetupLink(customerId: string, context: LinkContext): Promise<string>;
}

export type LinkKind = keyof LinkMakers;

/** One payment provider, as the routes see it: a name, the links it makes, and maybe pages of its own. */
export type Provider = {
  readonly name: string;
  readonly pages?: Router;
  /** Opens a connection to the provider's API for the next link, if none is open (`GET /api/checkout`). */
  warm?(): void;
} & Partial<LinkMakers>;

/** A provider that is sure to make the links of `Kind`. */
export type ProviderMaking<Kind extends LinkKind> = Provider & Pick<LinkMakers, Kind>;

/** What every provider receives from the core configuration. */
export interface ProviderOptions {
  upstreamTimeoutMs: number;
  /** Keep-alive connections to the providers, shared by all of them. */
  pool: UpstreamPool;
}

/** The parsed variables of a provider's slice of the configuration. */
export type VariablesOf<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/**
 * A provider module describes itself: its environment variables, the links it makes and its
 * factory. The configuration loader and the registry read these fields and name no provider.
 */
export interface ProviderModule<Shape extends z.ZodRawShape, Settings, Kind extends LinkKind> {
  readonly name: string;
  /** Its slice of the configuration schema; parsed with every other variable, all errors at once. */
  readonly variables: Shape;
  /** The variable that turns it on, named when a request asks for it while it is off. */
  readonly enabledBy: keyof Shape & string;
  /** The kinds of link it makes; the sandbox stands in for exactly these. */
  readonly makes: readonly Kind[];
  /**
   * Problems that involve other variables too, as `[variable, message]` pairs. A variable that failed
   * its own check holds its raw text: it is set, and its own problem is reported already.
   */
  crossCheck?(env: Readonly<Record<string, unknown>>): Array<[variable: string, message: string]>;
  /** Its settings from its parsed variables; undefined when it is not turned on. */
  settings(variables: VariablesOf<Shape>): Settings | undefined;
  create(settings: Settings, options: ProviderOptions): ProviderMaking<Kind>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of modules with different variables and settings.
export type AnyProviderModule = ProviderModule<any, any, any>;

/** Declares a provider module; the compiler checks that `create` makes every kind in `makes`. */
export const defineProvider = <const Shape extends z.ZodRawShape, Settings, const Kind extends LinkKind>(
  module: ProviderModule<Shape, Settings, Kind>,
): ProviderModule<Shape, Settings, Kind> => module;

/** A real provider the configuration turned on, with its settings. */
export interface ConfiguredProvider {
  module: AnyProviderModule;
  settings: unknown;
}
