import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found the same way whether this runs from `server/` (tests) or `dist/server/` (npm start). */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const widgetBundlePath = join(packageRoot, 'dist', 'widget', 'checkout-button.js');
const demoDirectory = join(packageRoot, 'demo');
export const demoCatalogPath = join(demoDirectory, 'catalog.json');
/** The storefront's static files; the catalog beside them is not served as a file. */
export const demoPublicDirectory = join(demoDirectory, 'public');
/** The snippet builder's static page, script and styles. */
export const builderDirectory = join(demoDirectory, 'builder');
