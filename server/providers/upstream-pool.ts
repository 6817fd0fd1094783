import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

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
  /** A request to a provider URL, over the pooled connections for its scheme; the caller ends it. */
  request(url: URL, options: RequestOptions, onResponse: (response: IncomingMessage) => void): ClientRequest;
  /**
   * Opens a connection to `url`'s server for the next call to it, unless one is open already (idle
   * or in use): an `OPTIONS` request for `url` without credentials, safe by definition, whose answer
   * is dropped and whose connection stays in the pool (Node's client pools none after a `HEAD` whose
   * answer has no length). A warm-up that fails changes nothing: the next call connects as it would have.
   */
  warm(url: string, timeoutMs: number): void;
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
  const schemeOf = (url: URL) =>
    url.protocol === 'https:' ? { agent: https, send: httpsRequest } : { agent: http, send: httpRequest };
  const request: UpstreamPool['request'] = (url, options, onResponse) => {
    const { agent, send } = schemeOf(url);
    return send(url, { ...options, agent }, onResponse);
  };
  return {
    request,
    warm(url, timeoutMs) {
      const target = new URL(url);
      const { agent } = schemeOf(target);
      // The name the agent files a connection under, from the options a request to `target` gets.
      const { hostname, port } = urlToHttpOptions(target);
      const name = agent.getName({ host: hostname, port: port ?? (target.protocol === 'https:' ? 443 : 80) });
      if (agent.freeSockets[name]?.length || agent.sockets[name]?.length) return;
      const warmUp = request(target, { method: 'OPTIONS', signal: AbortSignal.timeout(timeoutMs) }, (response) =>
        response.resume(),
      );
      warmUp.once('error', () => {});
      warmUp.end();
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
