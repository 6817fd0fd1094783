/**
 * Where a shopper may be sent, and where the proxy may send a key. Pure (no Node APIs): the widget
 * bundles this module too, so the proxy and the browser apply one rule.
 */

/**
 * Hosts that only this machine can reach; plain http is tolerated there, for local development and tests.
 * Not `*.localhost`: RFC 6761 lets resolvers map it to loopback, but many (glibc's among them) do not.
 */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * A checkout URL a shopper may be sent to, normalized, or undefined: absolute https, or http on a
 * loopback host, with no user name or password. Callers send and navigate to the URL returned,
 * never to `candidate`: a browser resolves a raw string such as `https:/account/delete` or
 * `http:127.0.0.1:4600/x` its own way, against the page it is on.
 */
export function safeCheckoutUrl(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    // Not an absolute URL. (URL.canParse would read better, but Safari before 17 lacks it.)
    return undefined;
  }
  const transport = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  // `https://shop.example@pay.evil` reads as the shop to a shopper; no checkout page needs a user name.
  return transport && url.username === '' && url.password === '' ? url.href : undefined;
}
