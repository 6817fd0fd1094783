/** The `checkout-button` command line: what each command does, given its arguments. */
import { ConfigError, loadConfig } from '../config/load-config.js';
import { loadDotEnv } from '../lib/dotenv.js';
import { describeConfig } from './check.js';
import { fail } from './output.js';
import { start } from './start.js';
import { token, tokenUsage } from './token.js';

const usage = `Usage: checkout-button [command]

Commands:
  start (default)   Start the checkout proxy, configured by the environment and .env.
  check             Validate the configuration and the catalog without starting; exits 1 on any problem.
  token <id>        Print a customer token for <checkout-button provider="lago">.

${tokenUsage}`;

/** Loads .env and the configuration; a bad one is every problem on stderr and `undefined`. */
function configuration() {
  loadDotEnv();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message);
    return undefined;
  }
}

/** Runs one command; resolves to the process's exit code. */
export async function main([command = 'start', ...args]: string[]): Promise<number> {
  switch (command) {
    case 'start': {
      const config = configuration();
      if (!config) return 1;
      await start(config);
      return 0;
    }
    case 'check': {
      const config = configuration();
      if (!config) return 1;
      process.stdout.write(`${describeConfig(config)}\n`);
      return 0;
    }
    case 'token':
      loadDotEnv();
      return token(args);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return 0;
    default:
      return fail(`Unknown command "${command}".\n\n${usage}`);
  }
}
