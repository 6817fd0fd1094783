// Free ports and child processes that never outlive the run. Plain JavaScript, so web-test-runner's config (through
// browsers.js) and the TypeScript tests and bench (through processes.ts) share one copy.
import { once } from 'node:events';
import { createServer } from 'node:net';

/** How long a child gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Kills `child` if this process exits first, whatever ends the run (a failed assertion, an exception).
 * @template {import('node:child_process').ChildProcess} Child
 * @param {Child} child
 * @returns {Child}
 */
export function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * A port that was free a moment ago, for a server whose address must be known before it starts (loopback only).
 * @returns {Promise<number>}
 */
export async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * SIGTERM, then SIGKILL once `graceMs` has passed; resolves with the exit code (null when killed by a signal).
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 * @returns {Promise<number | null>}
 */
export async function stopChild(child, graceMs = STOP_GRACE_MS) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = /** @type {Promise<[number | null]>} */ (once(child, 'exit'));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
}
