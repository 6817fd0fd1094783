/**
 * The origins that may call the API: exact ones (`https://shop.example.com`) and wildcards whose
 * leftmost label is `*` (`https://*.example.com`), for preview and staging hosts.
 */

const example = 'like https://shop.example.com or https://*.example.com (scheme, host and port only)';

/**
 * The canonical form of one `ALLOWED_ORIGINS` entry, or the reason it is not one. A wildcard stands
 * for one or more whole labels in front of a domain of at least two labels.
 */
export function parseAllowedOrigin(entry: string): { origin: string } | { problem: string } {
  // `*` is a valid host character for the URL parser, so a wildcard survives it unchanged.
  const url = URL.canParse(entry) ? new URL(entry) : undefined;
  if (!url || url.origin !== entry.replace(/\/$/, '')) return { problem: `"${entry}" is not an origin ${example}` };
  if (!url.hostname.includes('*')) return { origin: url.origin };
  const [first, ...domain] = url.hostname.split('.');
  if (first !== '*' || domain.some((label) => label.includes('*'))) {
    return { problem: `"${entry}": a wildcard must be the whole leftmost label, as in https://*.example.com` };
  }
  if (domain.length < 2) {
    return { problem: `"${entry}": a wildcard must stand in front of a domain, as in https://*.example.com` };
  }
  return { origin: url.origin };
}

/**
 * Whether a request's `Origin` names an allowed origin. A wildcard entry matches one or more labels
 * in its place, and never the bare domain, another scheme or port, or a host that only contains the
 * domain (`example.com.evil.com`).
 */
export function originMatcher(entries: readonly string[]): (origin: string) => boolean {
  const exact = new Set(entries.filter((entry) => !entry.includes('*')));
  const wildcards = entries
    .filter((entry) => entry.includes('*'))
    .map((entry) => {
      const { protocol, hostname, port } = new URL(entry);
      return { protocol, port, suffix: hostname.slice(1) };
    });
  return (origin) => {
    if (exact.has(origin)) return true;
    if (wildcards.length === 0 || !URL.canParse(origin)) return false;
    const url = new URL(origin);
    // Only an origin as browsers send it (no path, credentials or other spelling) can match.
    if (url.origin !== origin) return false;
    return wildcards.some(({ protocol, port, suffix }) => {
      if (url.protocol !== protocol || url.port !== port || !url.hostname.endsWith(suffix)) return false;
      const labels = url.hostname.slice(0, -suffix.length);
      return labels !== '' && labels.split('.').every(Boolean);
    });
  };
}
