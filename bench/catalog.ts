/**
 * Big catalogs: start-up and memory with 100,000 products, a checkout's cost with 10 products and
 * with 100,000 (it should not depend on the catalog's size) and with 1, 10 and 25 cart lines (it
 * should grow linearly), and `GET /api/products` on the big catalog, in full and revalidated.
 * The catalogs are generated into $TMPDIR for the run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../test/support/processes.js';
import { type Contender, compare, cpuText, type Measured, measure, type Request } from './compare.js';
import { checkoutLoad, type LoadOptions } from './load.js';
import { rssBytes } from './processes.js';
import { startBenchProxy } from './proxy.js';
import { mb, ms, type Row } from './report.js';
import { measureStartup, type StartupResult } from './startup.js';

export const catalogTargets = { startupMs: 1000, startupRssMb: 150, sizeRatio: 1.2, linearity: 0.25 };
export const BIG_CATALOG = 100_000;
const CART_LINES = [1, 10, 25] as const;

export interface CatalogOptions {
  loadSeconds: number;
  warmupSeconds: number;
  starts: number;
  nodeFlags: readonly string[];
  /** The proxy's variables besides CATALOG_FILE. */
  env: Record<string, string>;
  directory: string;
  logFile(name: string): string;
}

export interface CatalogResult {
  startup: StartupResult;
  /** RSS of a proxy with the big catalog, settled a few seconds after start, before any load. */
  idleRssMb: number;
  bySize: Record<'small' | 'big', Measured>;
  byLines: Record<`lines${(typeof CART_LINES)[number]}`, Measured>;
  products: { full: Measured; revalidated: Measured; gzipBytes: number };
  unexpected: number;
}

/** `count` products shaped like a real shop's: every field, a description of a sentence or two. */
function writeCatalog(path: string, count: number): void {
  const products = Array.from({ length: count }, (_, index) => ({
    id: `SKU-${index}`,
    name: `Product ${index} — cotton shirt, size ${['S', 'M', 'L'][index % 3]}`,
    price: 1000 + (index % 9000),
    compare_price: 12_000,
    currency: 'BRL',
    type: index % 5 === 0 ? 'digital' : 'physical',
    description: `Organic cotton, regular fit, made in batch ${index}. Machine wash cold, tumble dry low.`,
    image_url: `https://images.example/products/${index}.jpg`,
  }));
  writeFileSync(path, JSON.stringify({ products }));
}

const cartOf =
  (lines: number): Request =>
  (origin) => ({
    ...checkoutLoad(origin),
    body: JSON.stringify({
      items: Array.from({ length: lines }, (_, index) => ({ product: `SKU-${index * 7}`, quantity: 1 })),
    }),
  });

export async function measureCatalogs(options: CatalogOptions): Promise<{ result: CatalogResult; rows: Row[] }> {
  const smallFile = join(options.directory, 'catalog-10.json');
  const bigFile = join(options.directory, `catalog-${BIG_CATALOG}.json`);
  writeCatalog(smallFile, 10);
  writeCatalog(bigFile, BIG_CATALOG);
  const nodeFlags = [...options.nodeFlags];
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    console.error(`catalog: ${options.starts} cold starts with ${BIG_CATALOG.toLocaleString('en-US')} products …`);
    const startup = await measureStartup({
      env: { ...options.env, CATALOG_FILE: bigFile },
      logFile: options.logFile('catalog-startup'),
      nodeFlags,
      runs: options.starts,
      body: cartOf(1)('').body!,
    });

    const start = async (name: string, file: string) => {
      const proxy = await startBenchProxy({
        env: { ...options.env, CATALOG_FILE: file },
        logFile: options.logFile(name),
        nodeFlags,
      });
      cleanups.push(() => proxy.stop());
      return proxy;
    };
    const small = await start('catalog-small', smallFile);
    const big = await start('catalog-big', bigFile);
    await sleep(5_000);
    const idleRssMb = rssBytes(big.pid) / (1024 * 1024);
    const timing = { connections: 50, loadSeconds: options.loadSeconds, warmupSeconds: options.warmupSeconds };

    console.error('catalog: a checkout with 10 and with 100,000 products …');
    const bySize = await compare({ small, big }, { ...timing, request: cartOf(1) });
    console.error('catalog: 1, 10 and 25 cart lines …');
    const lineContenders = Object.fromEntries(
      CART_LINES.map((lines) => [`lines${lines}`, { pid: big.pid, origin: big.origin, request: cartOf(lines) }]),
    ) as Record<keyof CatalogResult['byLines'], Contender>;
    const byLines = await compare(lineContenders, timing);

    console.error('catalog: GET /api/products with 100,000 products …');
    const productsLoad = (headers: Record<string, string>, expectStatus: number): LoadOptions => ({
      url: `${big.origin}/api/products`,
      method: 'GET',
      headers: { 'accept-encoding': 'gzip', ...headers },
      connections: 4,
      durationSeconds: options.loadSeconds / 2,
      expectStatus,
    });
    const head = await fetch(`${big.origin}/api/products`, { headers: { 'accept-encoding': 'gzip' } });
    const gzipBytes = Number(head.headers.get('content-length'));
    const etag = head.headers.get('etag') ?? '';
    await head.arrayBuffer();
    const full = await measure(big.pid, productsLoad({}, 200), options.warmupSeconds);
    const revalidated = await measure(big.pid, productsLoad({ 'if-none-match': etag }, 304), options.warmupSeconds);

    const measured = [...Object.values(bySize), ...Object.values(byLines), full, revalidated] as Measured[];
    const result: CatalogResult = {
      startup,
      idleRssMb,
      bySize,
      byLines,
      products: { full, revalidated, gzipBytes },
      unexpected: measured.reduce((sum, run) => sum + run.load.unexpected, 0),
    };
    return { result, rows: rowsFor(result) };
  } finally {
    for (const stop of cleanups.reverse()) await stop();
  }
}

function rowsFor({ startup, idleRssMb, bySize, byLines, products }: CatalogResult): Row[] {
  const cpu = (measured: Measured) => measured.serverCpuMicroseconds;
  const sizeRatio = cpu(bySize.big) / cpu(bySize.small);
  // Linear: the 10-line checkout's cost lies on the line through the 1- and 25-line ones.
  const onLine = cpu(byLines.lines1) + (9 / 24) * (cpu(byLines.lines25) - cpu(byLines.lines1));
  const offLine = Math.abs(cpu(byLines.lines10) - onLine) / onLine;
  const perLine = (cpu(byLines.lines25) - cpu(byLines.lines1)) / 24;
  const big = BIG_CATALOG.toLocaleString('en-US');
  return [
    {
      section: `Big catalogs (${big} generated products), 50 connections, Pagou → fake answering at once`,
      name: `spawn → first 201, median of ${startup.runs}`,
      value: ms(startup.medianMs),
      target: { text: `≤ ${catalogTargets.startupMs} ms`, met: startup.medianMs <= catalogTargets.startupMs },
    },
    { section: '', name: 'RSS just after the first 201', value: mb(startup.medianRssMb) },
    {
      section: '',
      name: 'RSS idle, 5 s after start',
      value: mb(idleRssMb),
      target: { text: `≤ ${catalogTargets.startupRssMb} MB`, met: idleRssMb <= catalogTargets.startupRssMb },
    },
    { section: '', name: 'checkout, 1 line, catalog of 10', value: cpuText(bySize.small) },
    { section: '', name: `checkout, 1 line, catalog of ${big}`, value: cpuText(bySize.big) },
    {
      section: '',
      name: `CPU per checkout, ${big} products / 10`,
      value: `${sizeRatio.toFixed(2)}×`,
      target: { text: `≤ ${catalogTargets.sizeRatio}× (flat)`, met: sizeRatio <= catalogTargets.sizeRatio },
    },
    ...CART_LINES.map((lines) => ({
      section: '',
      name: `checkout, ${lines} line${lines === 1 ? '' : 's'}`,
      value: cpuText(byLines[`lines${lines}`]),
    })),
    {
      section: '',
      name: '10 lines off the straight line through 1 and 25 (linear)',
      value: `${(100 * offLine).toFixed(0)} % (${perLine.toFixed(1)} µs per extra line)`,
      target: { text: `≤ ${100 * catalogTargets.linearity} %`, met: offLine <= catalogTargets.linearity },
    },
    {
      section: '',
      name: `GET /api/products, ${big} products, gzip (${mb(products.gzipBytes / (1024 * 1024))}), 4 connections`,
      value: `${cpuText(products.full)}  p50 ${ms(products.full.load.p50Ms)}`,
    },
    {
      section: '',
      name: 'GET /api/products revalidated (If-None-Match → 304)',
      value: `${cpuText(products.revalidated)}  p50 ${ms(products.revalidated.load.p50Ms)}`,
    },
  ];
}
