import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { displayPath } from '../../../src/config/load.js';
import { loadScenarios } from '../../../src/scenario/load.js';
import { aliasBomb, expectLoaderContract, FUZZ_SEED, runs, mutatedText, mutatedTree, seeds, yamlFilesUnder } from './mutations.js';

// Thousands of mutations of the repository's scenarios through the real loader, from files on disk: whatever the
// input, `loadScenarios` returns scenarios or throws a ConfigError with file, line and message, and does so quickly.

const SCENARIOS = seeds([...yamlFilesUnder('scenarios'), ...yamlFilesUnder('fixtures/scenarios/good')]);
const seed = fc.constantFrom(...SCENARIOS);
const TARGETS = { hub: 'hub', managed: ['cluster1', 'cluster2'] };

// The mutated file is written where a scenario of the repository would be, so its `file: ../fixtures/...`
// references still resolve (and mutated ones may point anywhere).
const ROOT = mkdtempSync(join(tmpdir(), 'lab-scenario-fuzz-'));
mkdirSync(join(ROOT, 'scenarios'));
symlinkSync(resolve('fixtures'), join(ROOT, 'fixtures'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

let count = 0;
function check(input: { file: string; text: string }): void {
  const file = join(ROOT, 'scenarios', `${(count += 1)}-${relative('.', input.file).replaceAll('/', '_')}`);
  writeFileSync(file, input.text);
  try {
    expectLoaderContract(() => loadScenarios([file], TARGETS), displayPath(file));
  } finally {
    rmSync(file, { force: true });
  }
}

describe('the scenario loader under fuzzing', { timeout: 60_000 }, () => {
  it('takes any mutation of the parsed tree', () => {
    fc.assert(fc.property(mutatedTree(seed), check), { seed: FUZZ_SEED, numRuns: runs(250) });
  });

  it('takes any mutation of the raw text', () => {
    fc.assert(fc.property(mutatedText(seed), check), { seed: FUZZ_SEED, numRuns: runs(200) });
  });

  it('takes alias bombs inserted into mutated text', () => {
    const bombed = fc.tuple(mutatedText(seed), aliasBomb()).map(([input, bomb]) => ({ file: input.file, text: bomb(input.text) }));
    fc.assert(fc.property(bombed, check), { seed: FUZZ_SEED, numRuns: runs(50) });
  });
});
