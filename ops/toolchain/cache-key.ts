#!/usr/bin/env -S npx tsx
// Prints the toolchain cache key (the hash of ops/toolchain/versions.json and the wrappers): the folder name under
// ~/.cache/ocm-lab/toolchain, and the GitHub Action's cache key.
import { toolchainHash } from '../../src/toolchain/versions.js';

process.stdout.write(`${toolchainHash()}\n`);
