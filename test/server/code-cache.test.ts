/**
 * The built command runs the server bundle from V8's code cache, which the build records for each
 * node command line the package starts the proxy with (`server/cli/code-cache.ts`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot, scratchDirectory, startNodeFlags } from '../support/processes.js';

const distServer = join(repoRoot, 'dist', 'server');

/**
 * Loads the bundle as the command does, under `nodeFlags`, from the package at `root`; resolves to
 * what V8 made of the cache: `false` taken, `true` refused, `undefined` none found for that command line.
 */
async function cacheOutcome(nodeFlags: string[], root = repoRoot): Promise<boolean | undefined> {
  const probe = join(scratchDirectory(), 'probe.mjs');
  const codeCache = pathToFileURL(join(root, 'dist', 'server', 'cli', 'code-cache.js')).href;
  writeFileSync(
    probe,
    `import { runBundle } from '${codeCache}';
     process.stdout.write(JSON.stringify({ rejected: runBundle().script.cachedDataRejected ?? null }));`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeFlags, probe], { timeout: 30_000 });
  return (JSON.parse(stdout) as { rejected: boolean | null }).rejected ?? undefined;
}

describe('the code cache', () => {
  it("is taken under the start script's node flags, as `npm start` and the Dockerfile run the proxy", async () => {
    assert.ok(startNodeFlags.length > 0);
    assert.equal(await cacheOutcome(startNodeFlags), false);
  });

  it('is taken without node flags, as `npx checkout-button` runs it', async () => {
    assert.equal(await cacheOutcome([]), false);
  });

  it('is not looked for under other node flags, and the bundle still runs', async () => {
    assert.equal(await cacheOutcome(['--stack-size=900']), undefined);
  });

  it('is not taken by a bundle it was not recorded from, even one of the same length (V8 checks only the length)', async () => {
    const root = scratchDirectory();
    cpSync(join(repoRoot, 'package.json'), join(root, 'package.json'));
    cpSync(distServer, join(root, 'dist', 'server'), { recursive: true });
    const bundle = join(root, 'dist', 'server', 'checkout-button.cjs');
    const source = readFileSync(bundle, 'utf8');
    const edited = source.replace('Usage: checkout-button', 'Usage: checkout-buttoN');
    assert.notEqual(edited, source);
    writeFileSync(bundle, edited);
    assert.equal(await cacheOutcome([], root), undefined);
    // The copy is a working package: unedited, it finds its cache where the build left it.
    writeFileSync(bundle, source);
    assert.equal(await cacheOutcome([], root), false);
  });
});
