import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Catalog, CatalogError, emptyCatalog, parseCatalog } from '../checkout/catalog.js';
import { FileBytes } from '../lib/file-bytes.js';
import { demoCatalogPath } from '../lib/paths.js';
import { providerModules } from '../providers/registry.js';

/** Where the catalog came from: a file (the operator's, or the demo's in sandbox mode), or none at all. */
export type CatalogSource = { file: string; demo: boolean } | { none: string };

type Loaded = { catalog: Catalog; source: CatalogSource; warnings: string[] } | { problems: string[] };

/**
 * The catalog for a configuration. The demo catalog serves the sandbox only: with a real provider key
 * it would sell the demo's products at the demo's prices, so a provider that makes checkout links
 * then needs CATALOG_FILE, and one that only makes payment-method set-ups gets no catalog.
 */
export function loadCatalog(present: Readonly<Record<string, string>>, openFile: (path: string) => number): Loaded {
  const file = present.CATALOG_FILE;
  if (file !== undefined) return fromFile(file, false, openFile);
  const real = providerModules.filter((module) => present[module.enabledBy] !== undefined);
  if (real.length === 0) return fromFile(demoCatalogPath, true, openFile);
  const selling = real.filter((module) => module.makes.includes('createCheckoutLink'));
  if (selling.length > 0) {
    return {
      problems: [
        `is required when ${selling.map((module) => module.enabledBy).join(' or ')} is set: the demo catalog's products and prices are for the sandbox only. Set CATALOG_FILE to your own catalog file (see "Catalog" in the README)`,
      ],
    };
  }
  const names = real.map((module) => module.name).join(', ');
  return { catalog: emptyCatalog, source: { none: `${names} only makes payment-method set-ups` }, warnings: [] };
}

/** A file descriptor for reading `path`. */
export const openForReading = (path: string): number => openSync(path, 'r');

function fromFile(file: string, demo: boolean, openFile: (path: string) => number): Loaded {
  let fd: number | undefined;
  try {
    fd = openFile(file);
    const catalog = parseCatalog(new FileBytes(fd));
    const warnings =
      catalog.publicProducts.length === 0
        ? [`CATALOG_FILE: ${file} has no products, so only value-only links and payment-method set-ups can work`]
        : [];
    return { catalog, source: { file, demo }, warnings };
  } catch (error) {
    if (error instanceof CatalogError) return { problems: error.problems };
    if (typeof (error as NodeJS.ErrnoException).code === 'string')
      return { problems: [unreadable(file, error as NodeJS.ErrnoException)] };
    throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why a catalog file cannot be read, in words; a relative path also says where it was looked for. */
function unreadable(file: string, error: NodeJS.ErrnoException): string {
  const where = resolve(file) === file ? file : `${file} (looked for at ${resolve(file)})`;
  switch (error.code) {
    case 'ENOENT':
      return `the file ${where} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `the file ${where} cannot be read: permission denied (the proxy's user needs read access)`;
    case 'EISDIR':
      return `${where} is a folder; CATALOG_FILE must name the catalog's JSON file`;
    default:
      return `the file ${where} cannot be read (${error.code ?? error.message})`;
  }
}

/** One line for the start-up log and `checkout-button check`: which catalog, and how many products. */
export function describeCatalog(source: CatalogSource, catalog: Catalog): string {
  if ('none' in source) return `none (CATALOG_FILE is not set, and ${source.none})`;
  const count = catalog.publicProducts.length;
  const products = `${count} product${count === 1 ? '' : 's'}`;
  return source.demo ? `${source.file}, the demo catalog (${products}; sandbox only)` : `${source.file} (${products})`;
}
