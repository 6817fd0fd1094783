// The launchers web-test-runner runs the widget tests in: one per engine that `BROWSERS` selects.
import { chromeLauncher } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteer from 'puppeteer-core';
import {
  assertInstalled,
  chromiumArgs,
  firefoxPrefs,
  paths,
  selectedEngines,
  startWebKitDriver,
  webkitCapabilities,
} from './browsers.js';

/**
 * MiniBrowser under WebKitWebDriver, which the launcher starts (with its Xvfb) before the first test and stops after
 * the last. One window runs the files one after another: the launcher's alternative runs each file in an iframe,
 * and the widget behaves differently in a frame (it navigates the top page).
 */
class WebKitLauncher extends WebdriverLauncher {
  concurrency = 1;
  /** @type {{ stop(): Promise<void> } | undefined} */
  #driver;

  constructor() {
    super({ hostname: '127.0.0.1', port: 0, logLevel: 'error', capabilities: webkitCapabilities() });
  }

  /** @param {import('@web/test-runner-core').TestRunnerCoreConfig} config */
  async initialize(config) {
    this.#driver = await startWebKitDriver();
    this.options.port = this.#driver.port;
    await super.initialize({ ...config, concurrency: 1 });
    this.name = 'WebKit';
  }

  async stop() {
    await super.stop();
    await this.#driver?.stop();
  }
}

const launchers = {
  chromium: () =>
    chromeLauncher({ launchOptions: { executablePath: paths.chromium, headless: true, args: chromiumArgs } }),
  // Firefox over WebDriver BiDi, through the same puppeteer the Chromium launcher uses. One page at a time: with
  // several, Firefox now and then aborts a page's navigation (NS_BINDING_ABORTED) on a loaded machine.
  firefox: () =>
    chromeLauncher({
      concurrency: 1,
      // A new Firefox page is still loading its first about:blank, and navigating it then may abort the test page's
      // own navigation: let that first load finish.
      createPage: async ({ context }) => {
        const page = await context.newPage();
        await page.goto('about:blank');
        return page;
      },
      puppeteer: /** @type {any} */ (puppeteer),
      launchOptions: {
        browser: 'firefox',
        executablePath: paths.firefox,
        headless: true,
        extraPrefsFirefox: firefoxPrefs,
      },
    }),
  webkit: () => new WebKitLauncher(),
};

export function widgetBrowsers() {
  return selectedEngines().map((engine) => {
    assertInstalled(engine);
    return launchers[engine]();
  });
}
