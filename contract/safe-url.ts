/**
 * Where a shopper may be sent, and where the proxy may send a key. Pure (no Node APIs): the widget
 * bundles this module too, so the proxy and the browser apply one rule.
 */

/** Hosts that only this machine can reach; plain http is tolerated there, for local development and tests. */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/** A checkout URL a shopper may be sent to: absolute https, or http on a loopback host. */
export function isSafeCheckoutUrl(candidate: unknown): candidate is string {
  if (typeof candidate !== 'string') return false;
  try {
    const { protocol, hostname } = new URL(candidate);
    return protocol === 'https:' || (protocol === 'http:' && isLoopbackHost(hostname));
  } catch {
    // Not an absolute URL. (URL.canParse would read better, but Safari before 17 lacks it.)
    return false;
  }
}
