/** package.json's `start` script, read rather than repeated, so the build and the tests follow any change to it. */
import { readFileSync } from 'node:fs';

const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: { start: string };
};

/** The node flags of the `start` script, as operators run the proxy. */
export const startNodeFlags: string[] = (() => {
  const flags = /^node ((?:--\S+ )*)dist\/server\/cli\/index\.js$/.exec(scripts.start)?.[1];
  if (flags === undefined) throw new Error(`cannot read node flags from the start script "${scripts.start}"`);
  return flags.split(' ').filter(Boolean);
})();
