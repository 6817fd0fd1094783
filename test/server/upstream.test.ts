import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ProblemError } from '../../server/problems.js';
import { forLog, postToUpstream } from '../../server/providers/upstream.js';
import { startFakeUpstream } from './support.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('postToUpstream', () => {
  it('when the body stalls after the headers and a garbage collection runs, still answers upstream_timeout', { timeout: 10_000 }, async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.write('{"success": true, "data": {');
    });
    try {
      // Node 20's fetch stops passing its abort signal on to the body once its Request is collected.
      const fetchThenCollect: typeof fetch = async (...args) => {
        const response = await fetch(...args);
        collectGarbage();
        return response;
      };
      const call = postToUpstream({ provider: 'Pagou', url: `${upstream.url}/v2/checkout-links`, apiKey: 'k', body: {}, timeoutMs: 300, fetch: fetchThenCollect });
      await assert.rejects(call, (error) => error instanceof ProblemError && error.code === 'upstream_timeout');
    } finally {
      await upstream.close();
    }
  });
});

describe('forLog', () => {
  const key = 'sk_live_QUOTED_BACK_42';

  it('cuts the key out of values, property names and nested text', () => {
    const logged = JSON.stringify(forLog({ message: `bad key ${key}`, errors: [{ [key]: 'invalid' }], header: `Bearer ${key}` }, key));
    assert.ok(!logged.includes(key), logged);
    assert.match(logged, /\[redacted\]/);
  });

  it('bounds what one log line carries', () => {
    const logged = forLog({ message: 'x'.repeat(1024 * 1024) }, key);
    assert.equal(typeof logged, 'string');
    assert.ok((logged as string).length <= 501);
  });
});
