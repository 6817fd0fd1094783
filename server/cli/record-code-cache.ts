/**
 * Run by the build under each node command line the proxy starts with (`scripts/build-server.ts`):
 * compiles the server bundle afresh, runs its warm-up, and records the code cache for that command line.
 */
import { runBundle, writeCodeCache } from './code-cache.js';

const { exports, script, cachePath } = runBundle();
await exports.warmUp();
writeCodeCache(script, cachePath);
