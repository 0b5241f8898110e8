import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../../src/errors.js';

/** The seed of every fuzz run: fixed so CI is repeatable; FUZZ_SEED=<n> explores others. fast-check prints it on failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261214);

/** Runs per property, scaled by FUZZ_SCALE (e.g. FUZZ_SCALE=10 for a longer search than CI's). */
export function runs(count: number): number {
  return Math.max(1, Math.round(count * Number(process.env.FUZZ_SCALE ?? 1)));
}

/** A loader call slower than this on a file under the size limit is a failure (generous: 2 shared cores). */
export const MAX_CALL_MS = 3000;

export interface Seed {
  file: string;
  text: string;
  tree: unknown;
}

export function seeds(files: string[]): Seed[] {
  return files.map((file) => {
    const text = readFileSync(file, 'utf8');
    return { file, text, tree: parse(text) as unknown };
  });
}

export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => join(dir, file));
}

const CONTROL = fc.constantFrom('\u0000', '\u0007', '\b', '\u001b[31m', '\r', '\u2028', '\uFEFF', '\uD800', '\t', '\n');

/** Values that have broken loaders before: bounds, types, control characters, paths out of the folder, YAML specials. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0, -1, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 0.5, Number.NaN, Number.POSITIVE_INFINITY,
    '', ' ', '-', '--name=other', '../../../../etc/passwd', '..', '../', '/', '/etc/shadow', '~', '*', '&a', '<<', '!!binary',
    'a'.repeat(5000), 'all', 'global', 'default', 'kube-system', 'hub', 'cluster1', 'null', 'true', '1h', '-1s', '0s', '99999999999h',
    null, true, false, [], {}, [[]], { '': null },
  ),
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), CONTROL, fc.string({ maxLength: 10 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.integer(),
  fc.double(),
  fc.nat(200).map((depth) => deepNest(depth)),
  fc.anything({ maxDepth: 3 }),
);

function deepNest(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { k: value };
  return value;
}

type TreeMutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'add-key'; at: number; key: string; value: unknown }
  | { op: 'wrap'; at: number; inList: boolean }
  | { op: 'repeat'; at: number; times: number };

const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }),
  fc.record({ op: fc.constant('add-key' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('name', 'file', 'cluster', 'timeout', '__proto__', 'constructor')), value: nastyValue }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), inList: fc.boolean() }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 300 }) }),
);

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) slot in a tree, the root's included as a slot of a one-element holder. */
function slots(holder: Container): [Container, string | number][] {
  const found: [Container, string | number][] = [];
  const walk = (container: Container) => {
    for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
      found.push([container, key]);
      const value = (container as Record<string | number, unknown>)[key];
      if (typeof value === 'object' && value !== null) walk(value as Container);
    }
  };
  walk(holder);
  return found;
}

function applyTree(tree: unknown, mutations: TreeMutation[]): unknown {
  const holder: unknown[] = [structuredClone(tree)];
  for (const mutation of mutations) {
    const all = slots(holder);
    if (!all.length) break;
    const [container, key] = all[mutation.at % all.length]!;
    const slot = container as Record<string | number, unknown>;
    switch (mutation.op) {
      case 'delete':
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete slot[key];
        break;
      case 'replace':
        slot[key] = mutation.value;
        break;
      case 'add-key': {
        const value = slot[key];
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.defineProperty(value, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
        else slot[key] = { [mutation.key]: mutation.value };
        break;
      }
      case 'wrap':
        slot[key] = mutation.inList ? [slot[key]] : { value: slot[key] };
        break;
      case 'repeat':
        // Bounded so that the input, not the harness, is what takes time: repeats of repeats grow as a power.
        if (all.length * mutation.times > 20_000) break;
        if (Array.isArray(slot[key])) slot[key] = Array.from({ length: mutation.times }, () => (slot[key] as unknown[])[0]);
        else slot[key] = Array.from({ length: mutation.times }, () => slot[key]);
        break;
    }
  }
  return holder[0];
}

/** A seed's parsed tree, mutated a few times, written back as YAML. */
export function mutatedTree(seed: fc.Arbitrary<Seed>): fc.Arbitrary<{ file: string; text: string }> {
  return fc.tuple(seed, fc.array(treeMutation, { minLength: 1, maxLength: 4 })).map(([{ file, tree }, mutations]) => {
    // The root itself may be deleted (undefined writes as nothing).
    const text = (stringify(applyTree(tree, mutations), { aliasDuplicateObjects: false }) as string | undefined) ?? '';
    return { file, text };
  });
}

type TextMutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; char: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete-line'; at: number }
  | { op: 'duplicate-line'; at: number; times: number };

const snippet = fc.oneof(
  fc.constantFrom(
    '*a', '&a ', '&a [*a]', '*undefined', '<<: *a\n', '!!binary ', '!!python/object ', '? [a]\n: b\n', '{', '[', '"', "'", '|', '>', '%YAML 1.1\n---\n',
    '---\n', '...\n', '#', ': ', '- ', '\t', '\u0000', '\uFEFF', '\r\n', 'a: 1\na: 2\n', '!!set {a, b}', '2001-12-14t21:59:43.10-05:00', '0x1F', '.inf', '.nan', '~',
  ),
  fc.string({ maxLength: 20 }),
);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: snippet }),
  fc.record({ op: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 200 }) }),
);

function applyText(text: string, mutation: TextMutation): string {
  const at = mutation.at % (text.length + 1);
  const lines = text.split('\n');
  const line = mutation.at % lines.length;
  switch (mutation.op) {
    case 'truncate':
      return text.slice(0, at);
    case 'flip':
      return text.slice(0, at) + mutation.char + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + mutation.text + text.slice(at);
    case 'delete-line':
      return lines.filter((_, index) => index !== line).join('\n');
    case 'duplicate-line':
      return [...lines.slice(0, line), ...Array<string>(mutation.times).fill(lines[line]!), ...lines.slice(line)].join('\n');
  }
}

/** A seed's raw text, mutated a few times: truncated, characters flipped, YAML snippets (aliases, tags, markers) inserted. */
export function mutatedText(seed: fc.Arbitrary<Seed>): fc.Arbitrary<{ file: string; text: string }> {
  return fc.tuple(seed, fc.array(textMutation, { minLength: 1, maxLength: 5 })).map(([{ file, text }, mutations]) => ({ file, text: mutations.reduce(applyText, text) }));
}

/** An alias bomb of `levels` levels of `width` aliases each, under a key of the seed. */
export function aliasBomb(): fc.Arbitrary<(text: string) => string> {
  return fc.tuple(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([levels, width]) => (text: string) => {
    const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
    for (let level = 1; level < levels; level += 1) lines.push(`l${level}: &l${level} [${Array(width).fill(`*l${level - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n${text}`;
  });
}

/**
 * Runs a loader on one input and checks the contract: it returns, or throws a ConfigError whose every issue names
 * `file`, a line (0 only for the whole file) and column, and a message; and it does so within MAX_CALL_MS.
 */
export function expectLoaderContract(load: () => unknown, file: string): void {
  const started = performance.now();
  try {
    load();
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw new Error(`not a ConfigError: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`);
    }
    expect(error.exitCode).toBe(2);
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.file).toBe(file);
      expect(Number.isInteger(issue.line) && issue.line >= 0, JSON.stringify(issue)).toBe(true);
      expect(Number.isInteger(issue.column) && issue.column >= 0, JSON.stringify(issue)).toBe(true);
      if (issue.line === 0) expect(issue.column, JSON.stringify(issue)).toBe(0);
      expect(issue.message.trim().length, JSON.stringify(issue)).toBeGreaterThan(0);
      expect(issue.message.length, 'a message of reasonable length').toBeLessThan(2000);
    }
  } finally {
    const elapsed = performance.now() - started;
    expect(elapsed, `the loader took ${Math.round(elapsed)} ms`).toBeLessThan(MAX_CALL_MS);
  }
}
