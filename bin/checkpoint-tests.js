#!/usr/bin/env node
// Runs the compiled CLI (src/lib/cli.ts); `npm run build` makes lib/.
import '../lib/cli.js';
