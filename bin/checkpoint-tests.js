#!/usr/bin/env node
// Runs the CLI (src/lib/cli.ts): `npm run build` compiles it and bundles it with its generators (scripts/bundle.mjs).
import '../lib/cli.js';
