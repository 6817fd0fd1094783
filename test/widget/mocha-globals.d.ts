/**
 * The Mocha globals @web/test-runner defines in the browser, typed for the ones these tests use,
 * so the typecheck does not need @types/mocha.
 */
declare function describe(title: string, suite: () => void): void;
declare function it(title: string, test: (this: { skip(): never; timeout(ms: number): void }) => unknown): void;
declare function afterEach(hook: () => unknown): void;
declare function beforeEach(hook: () => unknown): void;
