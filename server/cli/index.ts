#!/usr/bin/env node
/**
 * The `checkout-button` command. Built, it runs the server bundle from its code cache (`code-cache.ts`);
 * from source (through tsx, as some tests run it) there is no bundle, and it imports the modules.
 */
import { existsSync } from 'node:fs';
import { bundlePath, runBundle } from './code-cache.js';

const { main } = existsSync(bundlePath) ? runBundle().exports : await import('./commands.js');
process.exitCode = await main(process.argv.slice(2));
