import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { environmentVariables } from '../../server/config.js';
import { problemTypes } from '../../server/problems.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README, as the user\'s manual', () => {
  it('documents every error code with its status', () => {
    const undocumented = Object.entries(problemTypes)
      .filter(([code, { status }]) => !readme.includes(`| ${status} | \`${code}\` |`))
      .map(([code]) => code);
    assert.deepEqual(undocumented, []);
  });

  it('documents every environment variable the proxy reads', () => {
    const undocumented = environmentVariables.filter((name) => !new RegExp(`^\\| \`${name}\``, 'm').test(readme) && !readme.includes(`\`, \`${name}\` |`));
    assert.deepEqual(undocumented, []);
  });
});
