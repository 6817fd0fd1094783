import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/**
 * The server as one script, and V8's code cache for it: start-up is mostly compiling the libraries'
 * code (docs/performance.md, "Start-up"), which a cache recorded by the build skips.
 *
 * The build bundles `bundle.ts` and what it imports into `dist/server/checkout-button.cjs` (built, this
 * module is `dist/server/cli/code-cache.js`), then runs the bundle's warm-up once for each node command
 * line the package starts the proxy with and records the compiled code. V8 takes a cache only from the
 * same V8 with the same flags, so each command line gets its own file, and any other one compiles the
 * script as if there were no cache.
 */
export const bundlePath = fileURLToPath(new URL('../checkout-button.cjs', import.meta.url));
const cacheDirectory = join(dirname(bundlePath), 'code-cache');

type Bundle = typeof import('./bundle.js');

/**
 * The cache file for `source` under this process's node and node flags. The source is part of the key
 * because V8 checks only its length: a cache of another build of the same length would be taken.
 */
function cachePathFor(source: Buffer): string {
  const hash = createHash('sha256').update(source);
  for (const part of [process.version, process.arch, ...process.execArgv]) hash.update(`\0${part}`);
  return join(cacheDirectory, `${hash.digest('hex').slice(0, 32)}.bin`);
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Compiles and runs the bundle, from the code cache when this command line has one. */
export function runBundle(): { exports: Bundle; script: Script; cachePath: string } {
  const bytes = readFileSync(bundlePath);
  const cachePath = cachePathFor(bytes);
  // esbuild writes ASCII (it escapes every other character), so Latin-1 decodes the bundle exactly,
  // and faster than UTF-8, which checks every byte (with hashing bytes, not a string: ~9 ms to the first 201).
  const source = bytes.toString('latin1');
  const script = new Script(
    // The wrapper Node puts around every CommonJS module, so the bundle has its own `require` and `module`.
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: bundlePath, cachedData: readCache(cachePath) },
  );
  const module = { exports: {} as Bundle };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  return { exports: module.exports, script, cachePath };
}

/** Records the code `script` has compiled so far, for this command line. */
export function writeCodeCache(script: Script, cachePath: string): void {
  mkdirSync(cacheDirectory, { recursive: true });
  writeFileSync(cachePath, script.createCachedData());
}
