/**
 * A catalog file's JSON, parsed as `JSON.parse` would parse its text, but its `products` array a slice
 * at a time. Decoding a large file whole makes one string of it, twice its size when any character
 * falls outside Latin-1 (an em dash is enough): for 100,000 products, a 58 MB string held alongside
 * the objects parsed from it. Small slices are decoded and parsed within V8's young generation
 * instead, and the proxy reads the file through a reused window (`FileBytes`), so its bytes are
 * never whole in memory either: its peak memory on the way to its first checkout fell from 172 to
 * 114 MB with 100,000 products (docs/performance.md).
 *
 * Where the products end needs no scan in JavaScript: a slice ends at a `},` that `Buffer.indexOf`
 * finds past its nominal size. Such a `},` may sit inside a string or a nested value instead; the
 * slice up to it then cannot parse (it ends inside that string or value), so the slice grows to the
 * next `},` and is parsed again. A slice that parses therefore holds whole products. Whatever the
 * slices cannot account for, the file is parsed whole, which also gives a malformed file
 * `JSON.parse`'s own message.
 */

import type { Bytes } from '../lib/file-bytes.js';

/** Small enough that a slice's text, even as a two-byte string, is an ordinary young object. */
const SLICE_BYTES = 32 * 1024;
/** How many `},` inside strings or nested values one slice may meet before the file is parsed whole instead. */
const ATTEMPTS_PER_SLICE = 16;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const PRODUCT_END = Buffer.from('},');
const BYTE_ORDER_MARK = '\xef\xbb\xbf';
/** After the array, the file's closing brace and JSON's own whitespace only (not `trim()`'s wider set). */
const FILE_END = /^\}[ \t\n\r]*$/;

/** The file's value; throws `JSON.parse`'s SyntaxError for text that is not JSON. */
export function parseCatalogJson(file: Bytes, sliceBytes = SLICE_BYTES): unknown {
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
  const start = file.toString('latin1', 0, 3) === BYTE_ORDER_MARK ? 3 : 0;
  return inSlices(file, start, sliceBytes) ?? JSON.parse(file.toString('utf8', start));
}

/**
 * `{…, "products": [ … ]}` with the array last, its products parsed slice by slice; undefined for
 * any other shape, or when a slice does not parse.
 */
function inSlices(json: Bytes, start: number, sliceBytes: number): unknown {
  const open = json.indexOf(OPEN_BRACKET, start);
  const close = json.lastIndexOf(CLOSE_BRACKET);
  if (open < 0 || close < open || !FILE_END.test(json.toString('utf8', close + 1))) return undefined;
  // Everything before the array, closed as if the array were empty: the file's other keys, checked.
  const file = tryParse(`${json.toString('utf8', start, open + 1)}]}`) as { products?: unknown } | undefined;
  if (!Array.isArray(file?.products)) return undefined;

  const products: unknown[] = [];
  const arrayText = new ArrayText();
  for (let from = open + 1; ; ) {
    const next = nextSlice(json, from, close, sliceBytes, arrayText);
    // Nothing between two commas, or after the last one, is a syntax error the whole parse reports.
    if (next === undefined || (next.products.length === 0 && from > open + 1)) return undefined;
    for (const product of next.products) products.push(product);
    if (next.end === close) break;
    from = next.end + 1;
  }
  file.products = products;
  return file;
}

/** The products from `from` to the first `},` past `sliceBytes` at which they parse (or to the array's end). */
function nextSlice(
  json: Bytes,
  from: number,
  close: number,
  sliceBytes: number,
  arrayText: ArrayText,
): { products: unknown[]; end: number } | undefined {
  let productEnd = json.indexOf(PRODUCT_END, Math.min(from + sliceBytes, close));
  for (let attempt = 0; attempt < ATTEMPTS_PER_SLICE; attempt++) {
    const end = productEnd < 0 || productEnd >= close ? close : productEnd + 1;
    const products = tryParse(arrayText.of(json, from, end)) as unknown[] | undefined;
    if (products !== undefined) return { products, end };
    if (end === close) return undefined;
    productEnd = json.indexOf(PRODUCT_END, productEnd + PRODUCT_END.length);
  }
  return undefined;
}

/**
 * Products as the text of a JSON array, copied between brackets into one buffer reused from slice to
 * slice and decoded once: parsing `[${text}]` would make V8 copy each slice's text a second time.
 */
class ArrayText {
  #bytes = Buffer.alloc(0);

  of(json: Bytes, from: number, end: number): string {
    const length = end - from + 2;
    if (this.#bytes.length < length) this.#bytes = Buffer.allocUnsafe(length);
    this.#bytes[0] = OPEN_BRACKET;
    json.copy(this.#bytes, 1, from, end);
    this.#bytes[length - 1] = CLOSE_BRACKET;
    return this.#bytes.toString('utf8', 0, length);
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
