#!/usr/bin/env bash
# Bundles the CLI (src/cli/main.ts and everything it imports, node_modules included) into OUTDIR with
# esbuild: a handful of files load far faster than thousands of modules, and the commands' lazy
# imports become chunks, so `./lab --help` loads none of the heavy ones. Typechecking is `npm test`'s job.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: ops/build-cli.sh OUTDIR}"
exec "$here/node_modules/esbuild/bin/esbuild" "$here/src/cli/main.ts" \
  --bundle --splitting --platform=node --format=esm --target=node20 \
  --outdir="$out" --chunk-names='chunks/[name]-[hash]' --sourcemap --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
