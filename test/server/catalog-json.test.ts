/**
 * The catalog file's JSON, parsed a slice of products at a time, against `JSON.parse` of the whole
 * text: the same value for every file, and the same error for every malformed one. Slices of a few
 * bytes put a cut after every `},`, so the strings and nested values that hold one are exercised on
 * small generated files; the 32 KB slices of real files take the same path.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCatalogJson } from '../../server/checkout/catalog-json.js';
import { FileBytes } from '../../server/lib/file-bytes.js';

/** Strings rich in what a cut could land on: braces, brackets, commas, quotes, escapes, characters outside Latin-1. */
const trickyString = fc.string({
  unit: fc.constantFrom('}', '{', ',', '[', ']', '"', '\\', ':', ' ', '\n', 'a', 'é', '—', '😀'),
  maxLength: 12,
});
const trickyValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const product = fc.dictionary(
  fc.oneof(fc.constantFrom('id', 'name', 'price', '__proto__'), trickyString),
  trickyValue,
  {
    maxKeys: 5,
  },
);

/** A catalog file's text: products (and sometimes other values) among other keys, in any of JSON.stringify's layouts. */
const catalogText = fc
  .record({
    before: fc.dictionary(trickyString, trickyValue, { maxKeys: 2 }),
    products: fc.array(fc.oneof({ weight: 4, arbitrary: product }, trickyValue), { maxLength: 8 }),
    after: fc.dictionary(trickyString, trickyValue, { maxKeys: 2 }),
    indent: fc.constantFrom(0, 1, 2, '\t'),
  })
  .map(({ before, products, after, indent }) =>
    JSON.stringify(Object.assign({}, before, { products }, after), null, indent),
  );

const sliceBytes = fc.integer({ min: 1, max: 64 });

/** The value, or the error's class and message. */
function outcome(parse: () => unknown): unknown {
  try {
    return { value: parse() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('parseCatalogJson', () => {
  it('for any catalog file, gives what JSON.parse gives for the whole text', () => {
    fc.assert(
      fc.property(catalogText, sliceBytes, (text, slice) => {
        assert.deepEqual(parseCatalogJson(Buffer.from(text), slice), JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('read from the file through a window of a few bytes, gives the same', (t) => {
    const directory = mkdtempSync(join(tmpdir(), 'catalog-json-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const path = join(directory, 'catalog.json');
    fc.assert(
      fc.property(
        catalogText,
        sliceBytes,
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (text, slice, window, mark) => {
          writeFileSync(path, `${mark ? '\uFEFF' : ''}${text}`);
          const fd = openSync(path, 'r');
          try {
            assert.deepEqual(parseCatalogJson(new FileBytes(fd, window), slice), JSON.parse(text));
          } finally {
            closeSync(fd);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('for a file one character away from valid, throws what JSON.parse throws, or gives what it gives', () => {
    const edited = fc
      .tuple(catalogText, fc.nat(), fc.constantFrom('', ',', '}', '{', ']', '[', '"', ' ', ':', 'x'), fc.boolean())
      .map(([text, at, character, replace]) => {
        const position = at % (text.length + 1);
        return text.slice(0, position) + character + text.slice(position + (replace ? 1 : 0));
      });
    fc.assert(
      fc.property(edited, sliceBytes, (text, slice) => {
        // An edit may split a surrogate pair, which the file's UTF-8 cannot hold: compare with what it holds.
        const file = Buffer.from(text);
        assert.deepEqual(
          outcome(() => parseCatalogJson(file, slice)),
          outcome(() => JSON.parse(file.toString('utf8'))),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what only the slices could mistake for products: empty places in the list, text after it', () => {
    for (const text of [
      '{"products": [{"id": "a"},]}',
      '{"products": [{"id": "a"},,{"id": "b"}]}',
      '{"products": [,{"id": "a"}]}',
      '{"products": [{"id": "a"}], "more": [1]}x',
      '{"products": [{"id": "a"}]}\u00a0',
      '{"products": [{"id": "a"}]} }',
    ]) {
      for (const slice of [1, 4, 1024]) {
        assert.deepEqual(
          outcome(() => parseCatalogJson(Buffer.from(text), slice)),
          outcome(() => JSON.parse(text)),
          text,
        );
        assert.ok('error' in (outcome(() => JSON.parse(text)) as object), text);
      }
    }
  });

  it('reads a file that starts with a UTF-8 byte order mark', () => {
    const text = '{"products": [{"id": "a"}, {"id": "b"}]}';
    assert.deepEqual(parseCatalogJson(Buffer.from(`\uFEFF${text}`), 1), JSON.parse(text));
  });

  it('for a catalog of 100,000 products, with a product end inside some strings, gives what JSON.parse gives', () => {
    const products = Array.from({ length: 100_000 }, (_, index) => ({
      id: `SKU-${index}`,
      name: `Product ${index} — size ${index % 5}`,
      price: 1000 + index,
      currency: 'BRL',
      ...(index % 97 === 0 && { description: 'A {"json": "snippet"}, and more},{' }),
    }));
    const text = JSON.stringify({ products });
    assert.deepEqual(parseCatalogJson(Buffer.from(text)), JSON.parse(text));
  });
});
