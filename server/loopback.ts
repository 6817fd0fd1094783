/** Hosts that only this machine can reach; plain http is tolerated there, for local development and tests. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** A checkout URL a shopper may be sent to: absolute https, or http on a loopback host. */
export function isSafeCheckoutUrl(candidate: unknown): candidate is string {
  if (typeof candidate !== 'string' || !URL.canParse(candidate)) return false;
  const { protocol, hostname } = new URL(candidate);
  return protocol === 'https:' || (protocol === 'http:' && isLoopbackHost(hostname));
}
