/**
 * Profiles the proxy's hot path: the real proxy under `node --cpu-prof`, the Pagou checkout under
 * load at 50 connections, then a summary of where its CPU went, by package and by function.
 *
 *   npm run build:server && node --import tsx bench/profile.ts [seconds]
 *
 * The .cpuprofile is left in $TMPDIR for Chrome DevTools (never commit one; they are gitignored).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCatalogPath } from '../server/lib/paths.js';
import { checkoutLoad, runLoad } from './load.js';
import { startHelper } from './processes.js';
import { startNodeFlags, startProxy } from './proxy.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: an npm package, Node itself, the proxy, or V8 (GC, idle, native). */
function owner(url: string, functionName = ''): string {
  if (functionName === '(garbage collector)') return 'v8: garbage collector';
  if (functionName === '(idle)') return 'idle';
  if (!url && /^\(.*\)$/.test(functionName)) return 'v8: program';
  if (!url) return 'node core: native';
  if (url.startsWith('node:')) return `node core: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  const modules = url.split('/node_modules/');
  if (modules.length > 1) {
    const parts = modules.at(-1)!.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const server = /\/dist\/(server\/.*)$/.exec(url);
  return server ? `proxy: ${server[1]}` : url;
}

export function summarize(profile: Profile, top = 25): string {
  const total = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const { callFrame, hitCount } of profile.nodes) {
    if (hitCount === 0) continue;
    const where = owner(callFrame.url, callFrame.functionName);
    byOwner.set(where, (byOwner.get(where) ?? 0) + hitCount);
    const name = `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hitCount);
  }
  // Attributed: Node core work (header writes, stream plumbing, timers) counts for the nearest
  // package or proxy frame that asked for it; what remains is the event loop and sockets.
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const isCore = (where: string) => where.startsWith('node core');
  const attributed = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.hitCount === 0) continue;
    let where = owner(node.callFrame.url, node.callFrame.functionName);
    for (let frame = parents.get(node.id); isCore(where) && frame; frame = parents.get(frame.id)) {
      if (!isCore(owner(frame.callFrame.url, frame.callFrame.functionName)))
        where = owner(frame.callFrame.url, frame.callFrame.functionName);
    }
    attributed.set(where, (attributed.get(where) ?? 0) + node.hitCount);
  }
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(6)} %  ${name}`)
      .join('\n');
  return `Self time by owner (${total} samples)\n${rows(byOwner)}\n\nSelf time with Node core work attributed to its caller\n${rows(attributed)}\n\nSelf time by function\n${rows(byFunction)}`;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 15);
  const directory = mkdtempSync(join(tmpdir(), 'checkout-profile-'));
  const fake = await startHelper('fake-pagou-fast.ts', {});
  const proxy = await startProxy({
    env: {
      PAGOU_API_KEY: 'bench-key',
      PAGOU_API_URL: fake.url,
      CATALOG_FILE: demoCatalogPath,
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    logFile: join(directory, 'proxy.log'),
    nodeFlags: [...startNodeFlags, '--cpu-prof', `--cpu-prof-dir=${directory}`],
  });
  try {
    const load = await runLoad({ ...checkoutLoad(proxy.url), connections: 50, durationSeconds: seconds });
    console.log(`${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms.toFixed(2)} ms under the profiler`);
  } finally {
    await proxy.stop();
    await fake.stop();
  }
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${directory}`);
  console.log(summarize(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Profile));
  console.log(`\nProfile: ${join(directory, file)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
