/**
 * Bundles the server into `dist/server/checkout-button.cjs` and records its V8 code cache under each
 * node command line the package starts the proxy with (see `server/cli/code-cache.ts`). `tsc` builds
 * the rest of `dist/server` first: the command's entry point, its types, `checkout-button/customer-token`.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startNodeFlags } from './start-command.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (path: string) => `${root}dist/server/${path}`;

await build({
  entryPoints: [`${root}server/cli/bundle.ts`],
  outfile: dist('checkout-button.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Loaded only when the configuration asks for them (a customer token, REDIS_URL, STRIPE_SECRET_KEY),
  // from node_modules as usual; bundled, every start would read and parse them for nothing.
  external: ['jose', 'redis', 'stripe'],
  // The bundle loads them with `require` (Node 20.19 and 22.12 can require an ES module such as jose):
  // a script compiled from V8's code cache cannot call `import()`.
  supported: { 'dynamic-import': false },
  // The default, spelled out: server/cli/code-cache.ts decodes the bundle as Latin-1, exact only for ASCII.
  charset: 'ascii',
  // `import.meta.url` has no CommonJS equivalent of its own; the bundle's file stands for every module's.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less to read and compile at every start (about 40 ms less to the first 201 than unminified). Names
  // stay, so a logged stack still says which function failed; renaming them too saved about 5 ms more.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

rmSync(dist('code-cache'), { recursive: true, force: true });
// `npm start` and the Dockerfile run the proxy with the start script's flags; `npx checkout-button` with none.
for (const flags of [startNodeFlags, []])
  execFileSync(process.execPath, [...flags, dist('cli/record-code-cache.js')], { stdio: 'inherit' });
