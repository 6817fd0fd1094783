import { z } from 'zod';
import type { PublicProduct } from '../../contract/checkout.js';
import { currencies } from '../../contract/currencies.js';

/** A price in the currency's minor unit; a decimal is the common mistake, so its message shows the fix. */
const minorUnits = () =>
  z
    .int({
      error: ({ input }) =>
        typeof input === 'number'
          ? `is ${input}, but prices are whole numbers in cents (the currency's minor unit): write ${Math.round(input * 100)} for ${input.toFixed(2)}`
          : "must be a whole number in cents (the currency's minor unit), such as 7990 for 79.90",
    })
    .min(1)
    .max(Number.MAX_SAFE_INTEGER);

/** One product, within the limits of Pagou's published schema so every product can be sent as it is. */
const product = z.strictObject({
  id: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  price: minorUnits(),
  currency: z.enum(currencies),
  type: z.enum(['physical', 'digital']).optional(),
  description: z.string().max(2000).optional(),
  image_url: z.url({ protocol: /^https$/, error: 'must be an absolute https URL' }).optional(),
  compare_price: minorUnits().optional(),
});

const catalogFile = z.strictObject({ products: z.array(product) }).superRefine(({ products }, context) => {
  const seen = new Set<string>();
  products.forEach(({ id }, index) => {
    if (seen.has(id))
      context.addIssue({ code: 'custom', path: ['products', index, 'id'], message: `duplicate id "${id}"` });
    seen.add(id);
  });
});

export type Product = z.infer<typeof product>;

export interface Catalog {
  get(id: string): Product | undefined;
  /** The fields a browser may see, in catalog order. */
  readonly publicProducts: readonly PublicProduct[];
}

/** Parses catalog JSON text; the thrown messages name the product id and the field. */
export function parseCatalog(text: string): Catalog {
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CatalogError([`not valid JSON (${(error as Error).message})`]);
  }
  const result = catalogFile.safeParse(json);
  if (!result.success) {
    throw new CatalogError(result.error.issues.map((issue) => describeIssue(issue, json)));
  }
  return catalogOf(result.data.products);
}

function catalogOf(products: readonly Product[]): Catalog {
  const byId = new Map(products.map((item) => [item.id, item]));
  return {
    get: (id) => byId.get(id),
    // The schema is strict, so a product holds its public fields and nothing else: the same objects
    // serve both, rather than a copy of every product (about 30 MB for 100,000 products).
    publicProducts: products,
  };
}

/** No products: for a proxy whose providers only make payment-method set-ups. */
export const emptyCatalog: Catalog = catalogOf([]);

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CatalogError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const [root, index, ...field] = issue.path;
  if (root === 'products' && typeof index === 'number') {
    const id = (json as { products: Array<{ id?: unknown }> }).products[index]?.id;
    const name = typeof id === 'string' ? `product "${id}"` : `product #${index + 1}`;
    return `${name}${field.length ? ` ${field.join('.')}` : ''}: ${issue.message}`;
  }
  return `${issue.path.join('.') || 'catalog'}: ${issue.message}`;
}
