import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { problemTypes } from '../../contract/problems.js';
import { environmentVariables } from '../../server/config/load-config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe("the README, as the user's manual", () => {
  it('documents every error code with its status', () => {
    const undocumented = Object.entries(problemTypes)
      .filter(([code, { status }]) => !readme.includes(`| ${status} | \`${code}\` |`))
      .map(([code]) => code);
    assert.deepEqual(undocumented, []);
  });

  it('documents every environment variable the proxy reads', () => {
    const undocumented = environmentVariables.filter(
      (name) => !new RegExp(`^\\| \`${name}\``, 'm').test(readme) && !readme.includes(`\`, \`${name}\` |`),
    );
    assert.deepEqual(undocumented, []);
  });

  it('gives the production command with the same node flags as npm start and the Dockerfile', () => {
    const startCommand = scripts.start!;
    assert.match(startCommand, /^node (--\S+ )+dist\/server\/cli\/index\.js$/);
    assert.ok(readme.includes(`${startCommand}\n`), `the README's production command should be \`${startCommand}\``);
    const dockerCommand = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    assert.deepEqual(JSON.parse(dockerCommand ?? '[]'), startCommand.split(' '));
  });
});
