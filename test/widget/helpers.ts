import { fixture, html } from '@open-wc/testing';
import type { CheckoutRequest } from '../../contract/checkout.js';
import type { CheckoutButton } from '../../widget/index.js';

export interface ReceivedRequest {
  headers: { 'content-type': string; cookie: string };
  body: CheckoutRequest;
}

export interface FakeProxySession {
  /** The `endpoint` to give the button. */
  endpoint: string;
  /** What this session's fake proxy received, in order. */
  received(): Promise<ReceivedRequest[]>;
  /** The bodies this session's fake proxy received, in order. */
  requests(): Promise<CheckoutRequest[]>;
}

/** A session of the fake proxy that web-test-runner.config.js serves. */
export const fakeProxy = (): FakeProxySession => {
  const endpoint = `/fake/${crypto.randomUUID()}`;
  const received = async () => (await fetch(`${endpoint}/requests`)).json() as Promise<ReceivedRequest[]>;
  return { endpoint, received, requests: async () => (await received()).map(({ body }) => body) };
};

/** A button for one product, posting to `endpoint` (a fresh fake proxy session by default). */
export const buttonFor = (product: string, endpoint = fakeProxy().endpoint) =>
  fixture<CheckoutButton>(html`<checkout-button product=${product} endpoint=${endpoint}></checkout-button>`);

export const part = (element: CheckoutButton, name: 'button' | 'spinner' | 'error'): HTMLElement | null =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);

export const innerButton = (element: CheckoutButton): HTMLButtonElement => part(element, 'button') as HTMLButtonElement;

/** Replaces the same-tab redirect, so a test sees where the shopper would go and stays on its page. */
export const recordRedirects = (element: CheckoutButton): string[] => {
  const urls: string[] = [];
  element.redirect = (url) => urls.push(url);
  return urls;
};

/** The engine running this file, for the rare test that one engine or its driver cannot do. */
export const engine: 'chromium' | 'firefox' | 'webkit' = navigator.userAgent.includes('Firefox/')
  ? 'firefox'
  : navigator.userAgent.includes('Chrome/')
    ? 'chromium'
    : 'webkit';
