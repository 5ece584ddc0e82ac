#!/usr/bin/env node
// Runs the compiled CLI (src/lib/cli.ts); `npm run build` makes lib/.
import { main } from '../lib/cli.js';

process.exitCode = await main(process.argv.slice(2));
