/**
 * A file's bytes read through a reused window, against the same bytes in one Buffer: searches,
 * copies and decoding give the same answers for any window size, matches that straddle two windows
 * included.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { FileBytes } from '../../server/lib/file-bytes.js';

const directory = mkdtempSync(join(tmpdir(), 'file-bytes-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** `bytes` written to a file, opened as FileBytes with a window of `windowBytes`; closed after `use`. */
function withFileBytes<T>(bytes: Uint8Array, windowBytes: number, use: (file: FileBytes) => T): T {
  const path = join(directory, 'bytes');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    return use(new FileBytes(fd, windowBytes));
  } finally {
    closeSync(fd);
  }
}

/** Bytes from a small alphabet, so that searches find something; multi-byte UTF-8 characters too. */
const bytes = fc
  .array(fc.constantFrom('}', ',', '[', ']', 'a', ' ', 'é', '—'), { maxLength: 80 })
  .map((characters) => Buffer.from(characters.join('')));
const windowBytes = fc.integer({ min: 1, max: 16 });
const operation = fc.oneof(
  fc.record({
    kind: fc.constant('indexOf' as const),
    value: fc.constantFrom<number | string>(0x7d, 0x5d, '},', '}]}'),
    from: fc.nat(90),
  }),
  fc.record({ kind: fc.constant('lastIndexOf' as const), value: fc.constantFrom(0x5d, 0x7d, 0x61) }),
  fc.record({
    kind: fc.constant('toString' as const),
    encoding: fc.constantFrom('utf8' as const, 'latin1' as const),
    start: fc.nat(90),
    length: fc.nat(90),
  }),
  fc.record({ kind: fc.constant('copy' as const), start: fc.nat(90), length: fc.nat(90), targetStart: fc.nat(4) }),
);

describe('FileBytes', () => {
  it('for any bytes and any window, answers every search, copy and decoding as the Buffer of the same bytes does', () => {
    fc.assert(
      fc.property(
        bytes,
        windowBytes,
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        (buffer, window, operations) => {
          withFileBytes(buffer, window, (file) => {
            assert.equal(file.length, buffer.length);
            for (const op of operations) {
              if (op.kind === 'indexOf') {
                const value = typeof op.value === 'string' ? Buffer.from(op.value) : op.value;
                assert.equal(file.indexOf(value, op.from), buffer.indexOf(value, op.from), JSON.stringify(op));
              } else if (op.kind === 'lastIndexOf') {
                assert.equal(file.lastIndexOf(op.value), buffer.lastIndexOf(op.value), JSON.stringify(op));
              } else if (op.kind === 'copy') {
                const start = Math.min(op.start, buffer.length);
                const end = Math.min(start + op.length, buffer.length);
                const [fromFile, fromBuffer] = [Buffer.alloc(100), Buffer.alloc(100)];
                assert.equal(
                  file.copy(fromFile, op.targetStart, start, end),
                  buffer.copy(fromBuffer, op.targetStart, start, end),
                );
                assert.deepEqual(fromFile, fromBuffer, JSON.stringify(op));
              } else {
                const start = Math.min(op.start, buffer.length);
                const end = Math.min(start + op.length, buffer.length);
                assert.equal(
                  file.toString(op.encoding, start, end),
                  buffer.toString(op.encoding, start, end),
                  JSON.stringify(op),
                );
              }
            }
            assert.equal(file.toString('utf8'), buffer.toString('utf8'));
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('an empty file has no bytes to find or decode', () => {
    withFileBytes(new Uint8Array(0), 16, (file) => {
      assert.equal(file.length, 0);
      assert.equal(file.indexOf(0x7d, 0), -1);
      assert.equal(file.lastIndexOf(0x5d), -1);
      assert.equal(file.toString('utf8'), '');
    });
  });

  it('refuses a folder with the error code reading one gives', () => {
    const fd = openSync(directory, 'r');
    try {
      assert.throws(() => new FileBytes(fd), { code: 'EISDIR' });
    } finally {
      closeSync(fd);
    }
  });
});
