import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, ElementHandle, Frame, Page } from 'puppeteer-core';
import * as puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import {
  assertInstalled,
  chromiumArgs,
  type Engine,
  firefoxPrefs,
  paths,
  startWebKitDriver,
  webkitCapabilities,
} from './browsers.js';

/**
 * One small interface over two drivers, so each end-to-end test is written once: puppeteer drives Chromium (CDP) and
 * Firefox (WebDriver BiDi); webdriverio drives WebKitGTK's MiniBrowser (WebDriver classic).
 */

/** How long any single wait (a page action, an element, a URL) may take before the test fails. */
export const STEP_TIMEOUT_MS = 10_000;

/** An element as a shopper finds it: by role and accessible name, by a form label, or by CSS for layout checks. */
export type Query =
  | { role: string; name?: string | RegExp; within?: string }
  | { label: string | RegExp }
  | { css: string; hidden?: boolean };

export const byRole = (role: string, name?: string | RegExp, within?: string): Query => ({ role, name, within });

export interface TabOptions {
  /** false: the page's own scripts do not run (the no-script fallback). */
  javaScript?: boolean;
}

export interface Tab {
  readonly engine: Engine;
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /** Waits until the URL matches; returns it. */
  waitForURL(pattern: RegExp): Promise<string>;
  /** Waits for the element, then clicks it as a pointer does (a trusted click, with user activation). */
  click(query: Query): Promise<void>;
  /** Waits for the element. */
  waitFor(query: Query): Promise<void>;
  /** Waits until `text` shows in the element, or in the page when no query. */
  waitForText(text: string, query?: Query): Promise<void>;
  /** The innerText of the element, once it is there. */
  text(query: Query): Promise<string>;
  /** The innerText of every match, now. */
  texts(query: Query): Promise<string[]>;
  /** Whether a match is rendered, now. */
  isVisible(query: Query): Promise<boolean>;
  isFocused(query: Query): Promise<boolean>;
  focusDescription(): Promise<string>;
  fill(query: Query, value: string): Promise<void>;
  select(query: Query, value: string): Promise<void>;
  press(key: 'Tab' | 'Enter'): Promise<void>;
  /** Runs `expression` (with `element` bound to the query's first match) in the page; returns its JSON value. */
  evaluate<T>(query: Query, expression: string): Promise<T>;
  /** axe-core's violations on the page, as `rule: target` lines. */
  audit(): Promise<string[]>;
  /** Content-Security-Policy and Trusted Types violations seen since the tab opened. */
  cspViolations(): Promise<string[]>;
  /** Runs `action` and returns the tab it opens. */
  newTabFrom(action: () => Promise<void>): Promise<Tab>;
  screenshot(path: string): Promise<void>;
  /** The document in the `<iframe>` that `css` finds (of any origin), to find, read and click in as in the tab. */
  frame(css: string): InFrame;
}

/** What a test does in a frame's document, as a shopper does it there: a click in it is a trusted click too. */
export type InFrame = Pick<Tab, 'click' | 'waitFor' | 'waitForText' | 'text' | 'texts' | 'isVisible' | 'evaluate'>;

export interface Driver {
  readonly engine: Engine;
  readonly version: string;
  newTab(options?: TabOptions): Promise<Tab>;
  close(): Promise<void>;
}

export async function launch(engine: Engine): Promise<Driver> {
  assertInstalled(engine);
  return engine === 'webkit' ? WebDriverEngine.launch() : PuppeteerEngine.launch(engine);
}

const require = createRequire(import.meta.url);
/** axe-core and the finders, injected into each document a test looks into. */
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const finders = readFileSync(new URL('./in-page.js', import.meta.url), 'utf8');

const viewport = { width: 1280, height: 900 };

async function poll<T>(attempt: () => Promise<T | undefined>, description: () => string): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const found = await attempt().catch((error: unknown) => {
      // A navigation between two commands destroys the document the helpers were in: look again.
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${description()} within ${STEP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const describe = (query: Query) =>
  JSON.stringify(query, (_key, value) => (value instanceof RegExp ? `${value}` : value));

/** The query as page-side JavaScript: a RegExp crosses as its source and flags. */
const literal = (value: unknown) =>
  JSON.stringify(value, (_key, item) => (item instanceof RegExp ? { source: item.source, flags: item.flags } : item));

/** What a driver can do in one document (a tab's, or a frame's); finding and reading are built on these two. */
abstract class InDocument implements InFrame {
  /** Evaluates an expression in the document as is; returns its JSON value (awaiting a promise). */
  protected abstract run<T>(expression: string): Promise<T>;
  protected abstract clickFound(query: Query): Promise<void>;

  /** Evaluates with the helpers in place, injecting them first into a document that lacks them. */
  protected async withHelpers<T>(expression: string, query?: Query): Promise<T> {
    const needsAxe = query === undefined || !('css' in query);
    const [hasFinders, hasAxe] = await this.run<[boolean, boolean]>('[Boolean(window.__e2e), Boolean(window.axe)]');
    // axe-core is large: a document gets it only once a test looks for something by role or label.
    if (needsAxe && !hasAxe) await this.run(`(() => { ${axeSource}; return true; })()`);
    if (!hasFinders) await this.run(`(() => { ${finders}; return true; })()`);
    return this.run<T>(expression);
  }

  async waitFor(query: Query): Promise<void> {
    await poll(
      async () =>
        (await this.withHelpers<boolean>(`__e2e.find(${literal(query)}) !== null`, query)) ? true : undefined,
      () => `no ${describe(query)} showed`,
    );
  }

  async click(query: Query): Promise<void> {
    await this.waitFor(query);
    await this.clickFound(query);
  }

  async waitForText(text: string, query?: Query): Promise<void> {
    await poll(
      async () =>
        (await this.withHelpers<boolean>(
          `__e2e.showsText(${literal(text)}, ${literal(query ?? null)})`,
          query ?? { css: 'body' },
        ))
          ? true
          : undefined,
      () => `"${text}" did not show in ${query ? describe(query) : 'the page'}`,
    );
  }

  async text(query: Query): Promise<string> {
    await this.waitFor(query);
    const [first] = await this.texts(query);
    return first ?? '';
  }

  texts(query: Query): Promise<string[]> {
    return this.withHelpers(`__e2e.texts(${literal(query)})`, query);
  }

  isVisible(query: Query): Promise<boolean> {
    return this.withHelpers(`__e2e.find(${literal(query)}) !== null`, query);
  }

  isFocused(query: Query): Promise<boolean> {
    return this.withHelpers(`__e2e.focused(${literal(query)})`, query);
  }

  focusDescription(): Promise<string> {
    return this.withHelpers('__e2e.focusDescription()', { css: 'body' });
  }

  async evaluate<T>(query: Query, expression: string): Promise<T> {
    await this.waitFor(query);
    return this.withHelpers(`((element) => ${expression})(__e2e.find(${literal(query)}))`, query);
  }
}

/** What a driver can do with a tab; the rest of Tab is built on these few commands. */
abstract class BaseTab extends InDocument implements Tab {
  abstract readonly engine: Engine;
  abstract goto(url: string): Promise<void>;
  abstract url(): Promise<string>;
  abstract fill(query: Query, value: string): Promise<void>;
  abstract select(query: Query, value: string): Promise<void>;
  abstract press(key: 'Tab' | 'Enter'): Promise<void>;
  abstract cspViolations(): Promise<string[]>;
  abstract newTabFrom(action: () => Promise<void>): Promise<Tab>;
  abstract screenshot(path: string): Promise<void>;
  abstract frame(css: string): InFrame;

  waitForURL(pattern: RegExp): Promise<string> {
    let last = '';
    return poll(
      async () => {
        last = await this.url();
        return pattern.test(last) ? last : undefined;
      },
      () => `the URL did not match ${pattern} (it is ${last})`,
    );
  }

  audit(): Promise<string[]> {
    return this.withHelpers('__e2e.audit()');
  }

  /** Page-side code that hands every violation of the document it runs in to `report`. */
  protected static readonly listenForViolations = (report: string) => `
    document.addEventListener('securitypolicyviolation', (event) =>
      ${report}(\`\${event.effectiveDirective} blocked \${event.blockedURI || 'inline'} at \${event.documentURI}\`));`;
}

const launchPuppeteer = (engine: Engine, extraPrefsFirefox: Record<string, unknown> = {}) =>
  puppeteer.launch(
    engine === 'firefox'
      ? {
          browser: 'firefox',
          executablePath: paths.firefox,
          headless: true,
          timeout: STEP_TIMEOUT_MS * 3,
          extraPrefsFirefox: { ...firefoxPrefs, ...extraPrefsFirefox },
        }
      : { executablePath: paths.chromium, headless: true, args: chromiumArgs, timeout: STEP_TIMEOUT_MS * 3 },
  );

class PuppeteerEngine implements Driver {
  /** Firefox with script off: WebDriver BiDi cannot turn it off per page in this Firefox, a preference can. */
  #noScriptFirefox: Browser | undefined;

  private constructor(
    readonly engine: Engine,
    readonly version: string,
    private readonly browser: Browser,
  ) {}

  static async launch(engine: Engine): Promise<PuppeteerEngine> {
    const browser = await launchPuppeteer(engine);
    return new PuppeteerEngine(engine, await browser.version(), browser);
  }

  async newTab({ javaScript = true }: TabOptions = {}): Promise<Tab> {
    let browser = this.browser;
    if (!javaScript && this.engine === 'firefox') {
      this.#noScriptFirefox ??= await launchPuppeteer('firefox', { 'javascript.enabled': false });
      browser = this.#noScriptFirefox;
    }
    // A fresh context per tab: no cookies or storage shared between tests.
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.setViewport(viewport);
    if (!javaScript && this.engine === 'chromium') await page.setJavaScriptEnabled(false);
    return PuppeteerTab.open(this.engine, page);
  }

  async close(): Promise<void> {
    await this.#noScriptFirefox?.close();
    await this.browser.close();
  }
}

class PuppeteerTab extends BaseTab {
  readonly #violations: string[] = [];

  private constructor(
    readonly engine: Engine,
    private readonly page: Page,
  ) {
    super();
  }

  /** Listens for violations from the start of every document the tab loads, before the page's own scripts. */
  static async open(engine: Engine, page: Page): Promise<PuppeteerTab> {
    const tab = new PuppeteerTab(engine, page);
    await page.exposeFunction('__reportCspViolation', (text: string) => tab.#violations.push(text));
    await page.evaluateOnNewDocument(BaseTab.listenForViolations('window.__reportCspViolation'));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content[- ]Security[- ]Policy|Trusted Type/i.test(message.text()))
        tab.#violations.push(message.text());
    });
    return tab;
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async url(): Promise<string> {
    return this.page.url();
  }

  protected run<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  async #element(query: Query): Promise<ElementHandle<Element>> {
    await this.withHelpers('true', query);
    return foundElement(this.page, query);
  }

  protected async clickFound(query: Query): Promise<void> {
    await (await this.#element(query)).click();
  }

  async fill(query: Query, value: string): Promise<void> {
    await this.waitFor(query);
    const element = await this.#element(query);
    await element.click({ count: 3 });
    await element.type(value);
  }

  async select(query: Query, value: string): Promise<void> {
    await this.waitFor(query);
    await (await this.#element(query)).select(value);
  }

  async press(key: 'Tab' | 'Enter'): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async cspViolations(): Promise<string[]> {
    return [...this.#violations];
  }

  async newTabFrom(action: () => Promise<void>): Promise<Tab> {
    // Any new page of this tab's context: over BiDi, a tab that a frame opens is no `popup` of the page.
    const context = this.page.browserContext();
    const before = new Set(await context.pages());
    await action();
    const page = await poll(
      async () => (await context.pages()).find((page) => !before.has(page)),
      () => 'no tab opened',
    );
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    return new PuppeteerTab(this.engine, page);
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path: path as `${string}.png`, fullPage: true });
  }

  frame(css: string): InFrame {
    return new PuppeteerFrame(this.page, css);
  }
}

/** The element a query finds in a document whose helpers are in place. */
async function foundElement(document: Page | Frame, query: Query): Promise<ElementHandle<Element>> {
  const handle = await document.evaluateHandle(`__e2e.find(${literal(query)})`);
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) throw new Error(`no ${describe(query)}`);
  return element;
}

/** A frame of a puppeteer tab, found again for each command: a command may outlive the frame's document. */
class PuppeteerFrame extends InDocument {
  constructor(
    private readonly page: Page,
    private readonly css: string,
  ) {
    super();
  }

  async #frame(): Promise<Frame> {
    const frame = await (await this.page.waitForSelector(this.css))?.contentFrame();
    if (!frame) throw new Error(`no frame at ${this.css}`);
    return frame;
  }

  protected async run<T>(expression: string): Promise<T> {
    return (await this.#frame()).evaluate(expression) as Promise<T>;
  }

  protected async clickFound(query: Query): Promise<void> {
    await this.withHelpers('true', query);
    await (await foundElement(await this.#frame(), query)).click();
  }
}

type WebdriverBrowser = Awaited<ReturnType<typeof remote>>;

/**
 * MiniBrowser sessions under one WebKitWebDriver (and its Xvfb). The driver holds one session at a time, so a new
 * tab ends the previous test's session: each test still gets a fresh browser.
 */
class WebDriverEngine implements Driver {
  readonly engine = 'webkit';
  #session: WebdriverBrowser | undefined;

  private constructor(
    readonly version: string,
    private readonly driver: { port: number; stop(): Promise<void> },
  ) {}

  static async launch(): Promise<WebDriverEngine> {
    const driver = await startWebKitDriver();
    try {
      const engine = new WebDriverEngine('', driver);
      const session = await engine.#start([]);
      return Object.assign(engine, { version: String(session.capabilities.browserVersion) });
    } catch (error) {
      await driver.stop();
      throw error;
    }
  }

  async #start(args: string[]): Promise<WebdriverBrowser> {
    await this.#session?.deleteSession();
    this.#session = await remote({
      hostname: '127.0.0.1',
      port: this.driver.port,
      logLevel: 'error',
      connectionRetryCount: 0,
      capabilities: webkitCapabilities(args),
    });
    await this.#session.setTimeout({ pageLoad: STEP_TIMEOUT_MS, script: STEP_TIMEOUT_MS });
    await this.#session.setWindowSize(viewport.width, viewport.height);
    return this.#session;
  }

  async newTab({ javaScript = true }: TabOptions = {}): Promise<Tab> {
    const session =
      javaScript && this.#session
        ? await this.#reset(this.#session)
        : await this.#start(javaScript ? [] : ['--enable-javascript=false']);
    return new WebDriverTab(session, await session.getWindowHandle());
  }

  /**
   * The same MiniBrowser, back to one blank window with no cookies: a new session costs seconds, and under load
   * WebKitWebDriver is the part most likely to fail.
   */
  async #reset(session: WebdriverBrowser): Promise<WebdriverBrowser> {
    const [first, ...others] = await session.getWindowHandles();
    for (const handle of others) {
      await session.switchToWindow(handle);
      await session.closeWindow();
    }
    await session.switchToWindow(first!);
    await session.deleteAllCookies();
    await session.url('about:blank');
    return session;
  }

  async close(): Promise<void> {
    await this.#session?.deleteSession().catch(() => undefined);
    this.#session = undefined;
    await this.driver.stop();
  }
}

class WebDriverTab extends BaseTab {
  readonly engine = 'webkit';
  /** What earlier documents of this tab reported, read before the tab left them. */
  readonly #violations: string[] = [];

  constructor(
    private readonly session: WebdriverBrowser,
    private readonly handle: string,
  ) {
    super();
  }

  /** WebDriver commands go to the session's current window: make it this tab's. */
  async #focus(): Promise<WebdriverBrowser> {
    if ((await this.session.getWindowHandle().catch(() => undefined)) !== this.handle)
      await this.session.switchToWindow(this.handle);
    return this.session;
  }

  async goto(url: string): Promise<void> {
    await this.#keepViolations();
    await (await this.#focus()).url(url);
  }

  async url(): Promise<string> {
    return (await this.#focus()).getUrl();
  }

  protected async run<T>(expression: string): Promise<T> {
    return (await this.#focus()).execute(`return ${expression}`) as Promise<T>;
  }

  async #element(query: Query) {
    const reference = await this.withHelpers<WebdriverIO.Element | null>(`__e2e.find(${literal(query)})`, query);
    if (!reference) throw new Error(`no ${describe(query)}`);
    return this.session.$(reference);
  }

  protected async clickFound(query: Query): Promise<void> {
    await this.#keepViolations();
    await pointerClick(this.session, await (await this.#element(query)).getElement());
  }

  async fill(query: Query, value: string): Promise<void> {
    await this.waitFor(query);
    await (await this.#element(query)).setValue(value);
  }

  async select(query: Query, value: string): Promise<void> {
    await this.waitFor(query);
    await (await this.#element(query)).selectByAttribute('value', value);
  }

  async press(key: 'Tab' | 'Enter'): Promise<void> {
    await this.#keepViolations();
    await (await this.#focus()).keys([key]);
  }

  /**
   * WebDriver classic runs no script before the page's own, so this reads the Reporting API's buffered reports of
   * the current document instead: when asked, and before each action that may leave the document.
   */
  async #current(): Promise<string[]> {
    return this.run<string[]>(`new Promise((resolve) => {
      const observer = new ReportingObserver(() => {}, { types: ['csp-violation'], buffered: true });
      observer.observe();
      setTimeout(() => {
        resolve(observer.takeRecords().map(({ body }) =>
          \`\${body.effectiveDirective} blocked \${body.blockedURL || 'inline'} at \${body.documentURL}\`));
        observer.disconnect();
      });
    })`).catch(() => []);
  }

  async #keepViolations(): Promise<void> {
    for (const violation of await this.#current())
      if (!this.#violations.includes(violation)) this.#violations.push(violation);
  }

  async cspViolations(): Promise<string[]> {
    await this.#keepViolations();
    return [...this.#violations];
  }

  async newTabFrom(action: () => Promise<void>): Promise<Tab> {
    const before = await this.session.getWindowHandles();
    await action();
    const handle = await poll(
      async () => (await this.session.getWindowHandles()).find((handle) => !before.includes(handle)),
      () => 'no tab opened',
    );
    return new WebDriverTab(this.session, handle);
  }

  async screenshot(path: string): Promise<void> {
    await (await this.#focus()).saveScreenshot(path);
  }

  frame(css: string): InFrame {
    return new WebDriverFrame(async (command) => {
      const session = await this.#focus();
      await session.switchToFrame(await session.findElement('css selector', css));
      try {
        return await command(session);
      } finally {
        // Back to the tab's own document, where the tab's commands expect to be.
        await session.switchToFrame(null);
      }
    });
  }
}

/** A frame of a MiniBrowser tab: WebDriver commands reach it only while the session has switched into it. */
class WebDriverFrame extends InDocument {
  constructor(private readonly inFrame: <T>(command: (session: WebdriverBrowser) => Promise<T>) => Promise<T>) {
    super();
  }

  protected run<T>(expression: string): Promise<T> {
    return this.inFrame((session) => session.execute(`return ${expression}`) as Promise<T>);
  }

  protected async clickFound(query: Query): Promise<void> {
    const reference = await this.withHelpers<WebdriverIO.Element | null>(`__e2e.find(${literal(query)})`, query);
    if (!reference) throw new Error(`no ${describe(query)}`);
    await this.inFrame(async (session) => pointerClick(session, await session.$(reference).getElement()));
  }
}

/**
 * A pointer click at the element's centre. WebDriver's Element Click refuses an element in a shadow root: the hit
 * test finds its host there and reports the click as intercepted.
 */
async function pointerClick(session: WebdriverBrowser, element: WebdriverIO.Element): Promise<void> {
  await element.scrollIntoView({ block: 'center' });
  await session.action('pointer').move({ origin: element }).down().up().perform();
}
