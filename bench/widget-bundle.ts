/**
 * `npm run report:widget`: where the widget's bytes go. Builds the widget as `npm run build:widget` does, in memory
 * and with a source map, and traces each byte of each minified file back to the module it came from. A file's gzip
 * size is exact (level 9, as the proxy serves it); a module's share of it is an estimate, by how well the module's
 * own bytes compress alone, so that the shares add up to the file.
 */
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { build, type Rolldown } from 'vite';
import { packageRoot } from '../server/lib/paths.js';
import { widgetBudgets } from '../test/support/widget-budgets.js';
import { formatTable, type Row } from './report.js';

const gzipBytes = (text: string): number => gzipSync(text, { level: 9 }).byteLength;

/** Code the source map traces to no module: what the bundler writes itself (exports, hoisted names). */
const UNMAPPED = '(bundler)';

/** The chunk's code, as written without a source map, split into the text of each module it came from. */
function textByModule(chunk: Rolldown.OutputChunk): { code: string; modules: Map<string, string> } {
  const { map } = chunk;
  if (!map) throw new Error(`${chunk.fileName} has no source map`);
  const code = chunk.code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '');
  const lines = code.split('\n');
  const modules = new Map<string, string>();
  decode(map.mappings).forEach((segments, line) => {
    const text = lines[line] ?? '';
    segments.forEach((segment, index) => {
      const source = segment[1] === undefined ? UNMAPPED : moduleName(map.sources[segment[1]]!);
      const piece = text.slice(segment[0], segments[index + 1]?.[0] ?? text.length);
      modules.set(source, (modules.get(source) ?? '') + piece);
    });
  });
  return { code, modules };
}

const moduleName = (source: string): string =>
  relative(packageRoot, source)
    .replace(/^(\.\.\/)+/, '')
    .replace(/^.*node_modules\//, '');

const bytes = (count: number): string => `${count.toLocaleString('en-US')} B`;

const [output] = (await build({
  root: packageRoot,
  logLevel: 'silent',
  build: { write: false, sourcemap: true },
})) as Rolldown.RolldownOutput[];
const chunks = output!.output.filter((file): file is Rolldown.OutputChunk => file.type === 'chunk');

const rows: Row[] = [];
let total = 0;
for (const chunk of chunks.sort((a, b) => Number(b.isEntry) - Number(a.isEntry))) {
  const { code, modules } = textByModule(chunk);
  const chunkGzip = gzipBytes(code);
  total += chunkGzip;
  const alone = [...modules].map(([module, text]) => ({
    module,
    minified: Buffer.byteLength(text),
    gzip: gzipBytes(text),
  }));
  const aloneTotal = alone.reduce((sum, { gzip }) => sum + gzip, 0);
  const { firstDownloadBytes } = widgetBudgets;
  rows.push({
    section: `${chunk.fileName}: ${chunk.isEntry ? 'the first download' : 'after a failure'}`,
    name: 'the file',
    value: `${bytes(Buffer.byteLength(code))} minified, ${bytes(chunkGzip)} gzip`,
    ...(chunk.isEntry && {
      target: { text: `≤ ${bytes(firstDownloadBytes)} gzip`, met: chunkGzip <= firstDownloadBytes },
    }),
  });
  for (const { module, minified, gzip } of alone.sort((a, b) => b.gzip - a.gzip)) {
    const share = Math.round((chunkGzip * gzip) / aloneTotal);
    rows.push({ section: '', name: module, value: `${bytes(minified)} minified, ~${bytes(share)} gzip` });
  }
}
rows.push({
  section: 'Everything',
  name: chunks.length === 1 ? 'the one file' : `the ${chunks.length} files`,
  value: `${bytes(total)} gzip`,
  target: { text: `≤ ${bytes(widgetBudgets.totalBytes)} gzip`, met: total <= widgetBudgets.totalBytes },
});
console.log(formatTable(rows));
