import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * How long a connection to a provider may sit idle in the pool. Node's global agents close one
 * after 5 s, so a quiet store (a checkout every few minutes) paid a new TCP and TLS handshake, one
 * to three round trips to the provider, on nearly every checkout. Two minutes outlasts the idle
 * limits common in front of APIs (60 s on AWS load balancers, 75 s in nginx), so it is the
 * provider's side that closes first, and its FIN takes the socket out of the pool before it is
 * reused. A provider that announces its limit (`Keep-Alive: timeout=N`) is believed: Node then
 * closes the socket a second before N.
 */
export const UPSTREAM_IDLE_MS = 120_000;

/** Keep-alive connections to the providers, shared by every provider of one proxy. */
export interface UpstreamPool {
  /** The agent for a provider URL's scheme. */
  agentFor(url: URL): HttpAgent;
  /** Closes every pooled connection (at shutdown, or after a test). */
  close(): void;
}

/**
 * A pool that holds at most `maxSockets` connections, the number of provider calls the proxy
 * makes at once (UPSTREAM_CONCURRENCY): each call holds one. The most recently used idle socket
 * goes first (`lifo`), so under light load the same few stay warm and the rest time out.
 */
export function upstreamPool(maxSockets: number): UpstreamPool {
  const options = {
    keepAlive: true,
    timeout: UPSTREAM_IDLE_MS,
    maxSockets,
    maxTotalSockets: maxSockets,
    scheduling: 'lifo',
  } as const;
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return {
    agentFor: (url) => (url.protocol === 'https:' ? https : http),
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
