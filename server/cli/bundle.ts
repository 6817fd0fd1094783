/** What the build bundles into `dist/server/checkout-button.cjs`: the commands, and the warm-up its code cache is recorded from. */
export { main } from './commands.js';
export { warmUp } from './warm-up.js';
