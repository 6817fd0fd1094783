import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { CheckoutRequest } from '../../contract/checkout.js';
import type { CheckoutButton, CheckoutErrorDetail } from '../../widget/index.js';

export interface ReceivedRequest {
  headers: { 'content-type': string; cookie: string; 'idempotency-key': string };
  body: CheckoutRequest;
}

/** A request for the fake proxy's checkout page: `dest` is the browser's Sec-Fetch-Dest (`document` or `iframe`). */
export interface Visit {
  dest: string;
}

export interface FakeProxySession {
  /** The `endpoint` to give the button. */
  endpoint: string;
  /** The checkout page this session's fake proxy answers with (on this page's host). */
  payUrl: string;
  /** What this session's fake proxy received, in order. */
  received(): Promise<ReceivedRequest[]>;
  /** The bodies this session's fake proxy received, in order. */
  requests(): Promise<CheckoutRequest[]>;
  /** The visits to this session's checkout page once there are `count` of them (what there are after 10 s). */
  visits(count?: number): Promise<Visit[]>;
  /** Makes this test page itself the checkout page this session answers with: see `CheckoutHere`. */
  checkoutHere(): Promise<CheckoutHere>;
  /** The warm-ups (`GET api/checkout`) and CORS preflights this session's fake proxy received. */
  warmUps(): Promise<{ warmUps: number; preflights: number }>;
}

/**
 * A checkout page that is this test page under a fragment of its own. Going there is a real navigation of this
 * top-level page (by the button on it, or by a frame in it) that leaves the document and the test runner in place in
 * every engine: a navigation to another document would not, even one the server answers 204 (Firefox closes the
 * page's connection to the test runner as it starts, and WebKit cancels the page's fetches).
 */
export interface CheckoutHere {
  url: string;
  /** Resolves once this page has gone to `url`. */
  reached: Promise<void>;
}

/** A session of the fake proxy that web-test-runner.config.js serves; `origin` puts it on another loopback name. */
export const fakeProxy = (origin = ''): FakeProxySession => {
  const endpoint = `${origin}/fake/${crypto.randomUUID()}`;
  const received = async () => (await fetch(`${endpoint}/requests`)).json() as Promise<ReceivedRequest[]>;
  return {
    endpoint,
    payUrl: new URL(`${endpoint}/pay`, location.href).href,
    received,
    requests: async () => (await received()).map(({ body }) => body),
    visits: async (count = 0) => (await fetch(`${endpoint}/visits?count=${count}`)).json() as Promise<Visit[]>,
    warmUps: async () =>
      (await fetch(`${endpoint}/warm-ups`)).json() as Promise<{ warmUps: number; preflights: number }>,
    checkoutHere: async () => {
      const url = `${location.href.split('#')[0]}#checkout-${crypto.randomUUID()}`;
      const reached = new Promise<void>((resolve) => {
        addEventListener('hashchange', function arrived() {
          if (location.href !== url) return;
          removeEventListener('hashchange', arrived);
          resolve();
        });
      });
      await fetch(`${endpoint}/checkout-page`, { method: 'PUT', body: url });
      return { url, reached };
    },
  };
};

/**
 * This test page's origin under the test server's other loopback name: a cross-origin page on the same server.
 * A hostname, not an IP, and an IP, not a hostname, are different sites too.
 */
export const otherOrigin = (): string => {
  const url = new URL(location.href);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
};

/** A button for one product, posting to `endpoint` (a fresh fake proxy session by default). */
export const buttonFor = (product: string, endpoint = fakeProxy().endpoint) =>
  fixture<CheckoutButton>(html`<checkout-button product=${product} endpoint=${endpoint}></checkout-button>`);

export const part = (element: CheckoutButton, name: 'button' | 'spinner' | 'error' | 'link'): HTMLElement | null =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

export const innerButton = (element: CheckoutButton): HTMLButtonElement => element.shadowRoot!.querySelector('button')!;

/**
 * The button `button` makes for a fresh fake proxy session, inside an element with `lang`, clicked: the detail of the
 * `checkout-error` it fires, once the message it carries is the one on show.
 */
export const failureIn = async (
  lang: string,
  button: (endpoint: string) => ReturnType<typeof html>,
): Promise<CheckoutErrorDetail> => {
  const wrapper = await fixture(html`<div lang=${lang}>${button(fakeProxy().endpoint)}</div>`);
  const el = wrapper.querySelector<CheckoutButton>('checkout-button')!;
  const error = oneEvent(el, 'checkout-error');
  innerButton(el).click();
  const { detail } = (await error) as CustomEvent<CheckoutErrorDetail>;
  await el.updateComplete;
  expect(part(el, 'error')!.textContent).to.equal(detail.message);
  return detail;
};

/** The engine running this file, for the rare test that one engine or its driver cannot do. */
export const engine: 'chromium' | 'firefox' | 'webkit' = navigator.userAgent.includes('Firefox/')
  ? 'firefox'
  : navigator.userAgent.includes('Chrome/')
    ? 'chromium'
    : 'webkit';
