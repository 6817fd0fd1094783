import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../support/http.js';

/** Recognizable on purpose: tests search every response and log line for it. */
export const STRIPE_TEST_KEY = 'sk_test_SECRET_recognizable_456';

export const SESSIONS_PATH = '/v1/checkout/sessions';

const count = z.string().regex(/^\d+$/, 'must be an integer').transform(Number);
const nonEmpty = z.string().min(1, 'must not be empty');

/** The Checkout Session parameters the fake knows: a subset of Stripe's, strict like Stripe's API. */
const sessionParams = z.strictObject({
  mode: z.literal('payment'),
  line_items: z
    .array(
      z.strictObject({
        price_data: z.strictObject({
          currency: z.string(),
          unit_amount: count,
          product_data: z.strictObject({
            name: nonEmpty,
            description: nonEmpty.optional(),
            images: z.array(z.url()).max(8).optional(),
          }),
        }),
        quantity: count.pipe(z.int().min(1)),
      }),
    )
    .min(1)
    .max(100),
  success_url: z.url(),
  cancel_url: z.url().optional(),
  client_reference_id: z.string().min(1).max(200).optional(),
  payment_intent_data: z.strictObject({ description: nonEmpty }).optional(),
});

export type SessionParams = z.output<typeof sessionParams>;

/** True when every key of `A`, at every depth, is a key of `B` there. */
type KeysWithin<A, B> = A extends readonly (infer Item)[]
  ? B extends readonly (infer Known)[]
    ? KeysWithin<Item, Known>
    : false
  : A extends object
    ? B extends object
      ? [Exclude<keyof A, keyof B>] extends [never]
        ? false extends { [K in keyof A & keyof B]-?: KeysWithin<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A &
            keyof B]
          ? false
          : true
        : false
      : false
    : true;
/** Fails to compile if the fake accepts a parameter that the `stripe` package's types do not know. */
export const fakeKnowsOnlyStripeParameters: KeysWithin<SessionParams, Stripe.Checkout.SessionCreateParams> = true;

const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));
const isoCurrencies = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

/** Stripe's error body. */
export interface StripeErrorBody {
  error: { type: string; code?: string; message: string; param?: string };
}

const invalid = (message: string, param?: string, code = 'parameter_invalid'): StripeErrorBody => ({
  error: { type: 'invalid_request_error', code, message, ...(param && { param }) },
});

/** `line_items[0][price_data]` from a path, as Stripe names parameters. */
const paramName = (path: readonly PropertyKey[]) =>
  path.map((key, index) => (index === 0 ? String(key) : `[${String(key)}]`)).join('');

/** Stripe's form encoding (`a[b][0][c]=v`) back into an object, numeric keys as arrays. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\]\[|\[|\]/).filter(Boolean);
    let node: Record<string, unknown> = root;
    path.forEach((segment, index) => {
      if (index === path.length - 1) {
        node[segment] = value;
        return;
      }
      node[segment] ??= /^\d+$/.test(path[index + 1]!) ? [] : {};
      node = node[segment] as Record<string, unknown>;
    });
  }
  return root;
}

/** What Stripe answers a create-session request with parameters it would refuse; undefined when it would accept them. */
export function stripeRefusal(params: Record<string, unknown>): StripeErrorBody | undefined {
  const result = sessionParams.safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const param = paramName([...issue.path, issue.keys[0]!]);
      return invalid(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
    }
    return invalid(`Invalid ${paramName(issue.path)}: ${issue.message}`, paramName(issue.path));
  }
  const session = result.data;
  const currency = session.line_items[0]!.price_data.currency;
  let total = 0;
  for (const [index, { price_data, quantity }] of session.line_items.entries()) {
    const param = `line_items[${index}][price_data]`;
    if (price_data.currency !== currency) return invalid('All line items must use the same currency.', param);
    if (price_data.currency !== price_data.currency.toLowerCase() || !isoCurrencies.has(price_data.currency)) {
      return invalid(`Invalid currency: ${price_data.currency}.`, `${param}[currency]`);
    }
    if (THREE_DECIMAL.has(currency) && price_data.unit_amount % 10 !== 0) {
      return invalid('Amounts in three-decimal currencies must end in 0.', `${param}[unit_amount]`);
    }
    total += price_data.unit_amount * quantity;
  }
  if (total > (currency === 'idr' ? 999_999_999_999 : 99_999_999)) {
    return invalid('The Checkout Session total is too large.', 'line_items', 'amount_too_large');
  }
  return undefined;
}

/** An answer of the fake: JSON (Stripe's own, replayed for a reused key) or an edge proxy's HTML page. */
export interface StripeAnswer {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

/** How the fake answers a request that passed every check; undefined never answers. */
export type StripeScenario = (params: SessionParams) => StripeAnswer | undefined;

export interface FakeStripe extends FakeUpstream {
  /** Why the fake refused each request it refused; a test asserts this stays empty. */
  readonly refusals: StripeErrorBody[];
  /** The parameters of every request, decoded. */
  params(): Record<string, unknown>[];
}

/**
 * A fake Stripe on loopback. It checks the key, the path and every parameter as Stripe would, and
 * keeps idempotency keys as Stripe does: the same key with the same parameters replays the first
 * answer (whatever it was); with other parameters it is a 400 idempotency_error.
 */
export async function startFakeStripe(
  scenario: StripeScenario = createdSession(),
  apiKey = STRIPE_TEST_KEY,
): Promise<FakeStripe> {
  const refusals: StripeErrorBody[] = [];
  const answers = new Map<string, { body: string; answer: StripeAnswer }>();
  const upstream = await startFakeUpstream((request, res) => {
    const send = ({ status, json, html, headers = {} }: StripeAnswer): void => {
      if (html === undefined) {
        sendJson(res, status, json, headers);
        return;
      }
      res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(html);
    };

    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return send({ status: 401, json: invalid('Invalid API Key provided: sk_test_****') });
    }
    if (request.method !== 'POST' || request.url !== SESSIONS_PATH) {
      return send({ status: 404, json: invalid(`Unrecognized request URL (${request.method}: ${request.url}).`) });
    }
    const key = request.headers['idempotency-key'] as string | undefined;
    const first = key === undefined ? undefined : answers.get(key);
    if (first && first.body !== request.body) {
      return send({
        status: 400,
        json: {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        },
      });
    }
    if (first) return send({ ...first.answer, headers: { ...first.answer.headers, 'idempotent-replayed': 'true' } });

    const params = parseForm(request.body);
    const refusal =
      request.headers['content-type'] === 'application/x-www-form-urlencoded'
        ? stripeRefusal(params)
        : invalid(`Unsupported content type ${request.headers['content-type']}.`);
    if (refusal) refusals.push(refusal);
    const answer = refusal ? { status: 400, json: refusal } : scenario(sessionParams.parse(params));
    if (answer === undefined) return;
    if (key !== undefined && answer.json !== undefined) answers.set(key, { body: request.body, answer });
    send(answer);
  });
  return Object.assign(upstream, {
    refusals,
    params: () => upstream.requests.map(({ body }) => parseForm(body)),
  });
}

/** Stripe's answer: `200` with the Checkout Session, its hosted page in `url`. */
export const createdSession =
  (url?: string): StripeScenario =>
  (params) => {
    const id = `cs_test_${randomUUID().replaceAll('-', '')}`;
    return {
      status: 200,
      json: {
        id,
        object: 'checkout.session',
        mode: params.mode,
        client_reference_id: params.client_reference_id ?? null,
        success_url: params.success_url,
        cancel_url: params.cancel_url ?? null,
        url: url ?? `https://checkout.stripe.com/c/pay/${id}`,
      },
    };
  };

/** Stripe's error shape, with a status, a type and optional headers. */
export const stripeError =
  (
    status: number,
    type: string,
    extra: Partial<StripeErrorBody['error']> = {},
    headers: Record<string, string> = {},
  ): StripeScenario =>
  () => ({ status, json: { error: { type, message: `Stripe says no (${type})`, ...extra } }, headers });

/** What an edge proxy in front of Stripe sends when Stripe is down. */
export const htmlPage =
  (status: number): StripeScenario =>
  () => ({ status, html: '<!doctype html><h1>Bad gateway</h1>' });

/** Reads the request and never answers. */
export const hang = (): StripeScenario => () => undefined;
