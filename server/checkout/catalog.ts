import { z } from 'zod';
import type { PublicProduct } from '../../contract/checkout.js';
import { currencies } from '../../contract/currencies.js';
import type { Bytes } from '../lib/file-bytes.js';
import { parseCatalogJson } from './catalog-json.js';

/**
 * A price in the currency's minor unit; a decimal is the common mistake, so its message shows the fix.
 * `z.int()` takes safe integers only, so it also refuses a price too large to add up exactly.
 */
const minorUnits = () =>
  z
    .int({
      error: ({ input }) =>
        typeof input !== 'number'
          ? "must be a whole number in cents (the currency's minor unit), such as 7990 for 79.90"
          : Number.isInteger(input)
            ? `is ${input}, more than the largest price the proxy can add up exactly (${Number.MAX_SAFE_INTEGER})`
            : `is ${input}, but prices are whole numbers in cents (the currency's minor unit): write ${Math.round(input * 100)} for ${input.toFixed(2)}`,
    })
    .min(1);

/**
 * An https URL as Pagou's schema takes it (`format: uri`, RFC 3986): only the characters a URI may
 * hold. Not `z.url()`, which trims and strips line breaks, so its output would differ from the
 * product kept (see `parseCatalog`), and accepts what the URL parser repairs, such as a space, that
 * Pagou then refuses at every checkout.
 */
const uriCharacters = /^https:\/\/(?:[\w\-.~:/?#[\]@!$&'()*+,;=]|%[\da-f]{2})+$/i;
const isHttpsUri = (value: string) => uriCharacters.test(value) && URL.canParse(value);

/** One product, within the limits of Pagou's published schema so every product can be sent as it is. */
const product = z.strictObject({
  id: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  price: minorUnits(),
  currency: z.enum(currencies),
  type: z.enum(['physical', 'digital']).optional(),
  description: z.string().max(2000).optional(),
  image_url: z
    .string()
    .refine(isHttpsUri, {
      error:
        'must be an absolute https URL, with spaces and characters outside ASCII percent-encoded (%20 for a space)',
    })
    .optional(),
  compare_price: minorUnits().optional(),
});

/** The file's own shape; each product is checked on its own (see `parseCatalog`). */
const catalogFile = z.strictObject({ products: z.array(z.unknown()) });

export type Product = z.infer<typeof product>;

export interface Catalog {
  get(id: string): Product | undefined;
  /** The fields a browser may see, in catalog order. */
  readonly publicProducts: readonly PublicProduct[];
}

/** Parses a catalog file's bytes (UTF-8 JSON); the thrown messages name the product id and the field. */
export function parseCatalog(bytes: Bytes): Catalog {
  let json: unknown;
  try {
    json = parseCatalogJson(bytes);
  } catch (error) {
    throw new CatalogError([`not valid JSON (${(error as Error).message})`]);
  }
  const file = catalogFile.safeParse(json);
  if (!file.success)
    throw new CatalogError(file.error.issues.map((issue) => describeIssue(issue.path, issue.message, json)));
  // Each product is checked on its own and kept as JSON.parse made it: the schema is strict and
  // transforms nothing (no trimming, no defaults), so zod's output would only be a copy. With
  // 100,000 products the copies cost about 160 ms to the first 201 and 15 MB of the start-up's
  // peak (docs/performance.md).
  const problems: string[] = [];
  const byId = new Map<string, Product>();
  file.data.products.forEach((item, index) => {
    const result = product.safeParse(item);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(describeIssue(['products', index, ...issue.path], issue.message, json));
      return;
    }
    const valid = item as Product;
    if (byId.has(valid.id)) problems.push(describeIssue(['products', index, 'id'], `duplicate id "${valid.id}"`, json));
    else byId.set(valid.id, valid);
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return catalogOf(byId);
}

function catalogOf(byId: ReadonlyMap<string, Product>): Catalog {
  return {
    get: (id) => byId.get(id),
    // A product holds its public fields and nothing else (the schema is strict): the same objects
    // serve both, rather than a copy of every product (about 30 MB for 100,000 products).
    publicProducts: [...byId.values()],
  };
}

/** No products: for a proxy whose providers only make payment-method set-ups. */
export const emptyCatalog: Catalog = catalogOf(new Map());

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CatalogError';
  }
}

function describeIssue(path: readonly PropertyKey[], message: string, json: unknown): string {
  const [root, index, ...field] = path;
  if (root === 'products' && typeof index === 'number') {
    const id = (json as { products: Array<{ id?: unknown }> }).products[index]?.id;
    const name = typeof id === 'string' ? `product "${id}"` : `product #${index + 1}`;
    return `${name}${field.length ? ` ${field.join('.')}` : ''}: ${message}`;
  }
  return `${path.join('.') || 'catalog'}: ${message}`;
}
