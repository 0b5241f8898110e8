import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { aliasBomb, expectLoaderContract, FUZZ_SEED, runs, mutatedText, mutatedTree, seeds } from './mutations.js';

// Thousands of mutations of the repository's configs through the real loader: whatever the input, `parseConfig`
// returns a config or throws a ConfigError with file, line and message, and does so quickly.

const CONFIGS = seeds([
  'lab.config.yaml',
  ...readdirSync('fixtures/configs')
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => join('fixtures/configs', file)),
]);
const seed = fc.constantFrom(...CONFIGS);
/** Where the mutated text claims to come from: issues must name it as the user would see it. */
const FILE = join(process.cwd(), 'fuzz', 'lab.config.yaml');
const SHOWN = join('fuzz', 'lab.config.yaml');

const check = (input: { text: string }) => expectLoaderContract(() => parseConfig(input.text, FILE), SHOWN);

describe('the config loader under fuzzing', { timeout: 60_000 }, () => {
  it('takes any mutation of the parsed tree', () => {
    fc.assert(fc.property(mutatedTree(seed), check), { seed: FUZZ_SEED, numRuns: runs(700) });
  });

  it('takes any mutation of the raw text', () => {
    fc.assert(fc.property(mutatedText(seed), check), { seed: FUZZ_SEED, numRuns: runs(800) });
  });

  it('takes alias bombs inserted into mutated text', () => {
    const bombed = fc.tuple(mutatedText(seed), aliasBomb()).map(([input, bomb]) => ({ text: bomb(input.text) }));
    fc.assert(fc.property(bombed, check), { seed: FUZZ_SEED, numRuns: runs(150) });
  });
});
