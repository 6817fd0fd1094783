import { Writable } from 'node:stream';

/** Every log line written to `stream`, parsed, so tests can assert on them (and on what they never contain). */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk, _encoding, done) => {
      this.lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  get entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}
