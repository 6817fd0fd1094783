/**
 * What a forwarder does on the wire, shared by the bench's two baselines (bare-forwarder.ts and
 * express-forwarder.ts): the upstream request the proxy sends (same client, headers and priced
 * body, from UPSTREAM_BODY), returning the checkout URL.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const upstream = new URL(`${process.env.UPSTREAM_URL}/v2/checkout-links`);
const request = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
const apiKey = process.env.UPSTREAM_API_KEY ?? '';
const upstreamBody = process.env.UPSTREAM_BODY ?? '{}';
const upstreamHeaders = {
  authorization: `Bearer ${apiKey}`,
  accept: 'application/json',
  'accept-encoding': 'identity',
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(upstreamBody)),
};

/**
 * The upstream POST, as the proxy sends it: node:http (or node:https) on Node's global agent, which
 * keeps a connection for 5 s after its last use: under load, as long as the proxy's own pool does.
 */
export function createCheckoutLink(): Promise<string> {
  return new Promise((resolve, reject) => {
    const upstreamRequest = request(
      upstream,
      { method: 'POST', headers: upstreamHeaders, signal: AbortSignal.timeout(10_000) },
      async (response) => {
        const chunks: Buffer[] = [];
        try {
          for await (const chunk of response) chunks.push(chunk as Buffer);
          resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { url: string } }).data.url);
        } catch (error) {
          reject(error);
        }
      },
    );
    upstreamRequest.once('error', reject);
    upstreamRequest.end(upstreamBody);
  });
}
