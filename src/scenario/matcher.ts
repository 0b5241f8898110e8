/** One field where an actual object differs from the expected (partial) object. */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
  reason: 'missing' | 'type' | 'value' | 'list';
}

type Fields = Record<string, unknown>;

const isMap = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Chainsaw-style partial match; an empty result means `actual` satisfies `expected`.
 * Maps match as subsets, lists order-free (each expected element against a distinct actual element),
 * scalars by strict equality (1 and "1" differ in type). `null` expects null or absent.
 */
export function match(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (expected === undefined) return [];
  if (expected === null) return actual === null || actual === undefined ? [] : [{ path, expected, actual, reason: 'value' }];
  if (actual === undefined) return [{ path, expected, actual, reason: 'missing' }];
  if (typeName(expected) !== typeName(actual)) return [{ path, expected, actual, reason: 'type' }];
  if (Array.isArray(expected)) return matchList(expected, actual as unknown[], path);
  if (isMap(expected)) {
    return Object.entries(expected).flatMap(([key, value]) => match(value, (actual as Fields)[key], joinKey(path, key)));
  }
  return expected === actual ? [] : [{ path, expected, actual, reason: 'value' }];
}

/** The candidate with the fewest mismatches against `expected` (the first on ties). */
export function closest<T>(expected: unknown, candidates: T[], path = ''): { candidate?: T; mismatches: Mismatch[] } {
  let best: { candidate?: T; mismatches: Mismatch[] } = { mismatches: [{ path, expected, actual: undefined, reason: 'missing' }] };
  candidates.forEach((candidate, index) => {
    const mismatches = match(expected, candidate, path);
    if (index === 0 || mismatches.length < best.mismatches.length) best = { candidate, mismatches };
  });
  return best;
}

/** One line per mismatch, e.g. `spec.replicas: expected number 1, got string "1"`. */
export function formatMismatches(mismatches: Mismatch[], max = 5): string {
  const lines = mismatches.slice(0, max).map((m) => {
    const prefix = m.path ? `${m.path}: ` : '';
    switch (m.reason) {
      case 'missing':
        return `${prefix}expected ${render(m.expected)}, missing`;
      case 'type':
        return `${prefix}expected ${describe(m.expected)}, got ${describe(m.actual)}`;
      case 'list':
        return `${prefix}expected ${render(m.expected)}, no element left in ${render(m.actual)}`;
      case 'value':
        return `${prefix}expected ${render(m.expected)}, got ${render(m.actual)}`;
    }
  });
  if (mismatches.length > max) lines.push(`… and ${mismatches.length - max} more`);
  return lines.join('\n');
}

function matchList(expected: unknown[], actual: unknown[], path: string): Mismatch[] {
  const paths = expected.map((element, i) => elementPath(path, element, i));
  const fits = expected.map((element, i) => actual.map((candidate) => match(element, candidate, paths[i]).length === 0));
  // Bipartite matching by augmenting paths (Kuhn): backtracks over earlier choices, so a greedy
  // first pick never blocks a later element that has fewer options.
  const owner: (number | undefined)[] = actual.map(() => undefined);
  const assign = (i: number, seen: Set<number>): boolean =>
    actual.some((_, j) => {
      if (!fits[i]![j] || seen.has(j)) return false;
      seen.add(j);
      if (owner[j] !== undefined && !assign(owner[j]!, seen)) return false;
      owner[j] = i;
      return true;
    });
  expected.forEach((_, i) => assign(i, new Set()));

  const unused = actual.filter((_, j) => owner[j] === undefined);
  return expected.flatMap((element, i) => {
    if (owner.includes(i)) return [];
    if (!unused.length) return [{ path: paths[i]!, expected: element, actual, reason: 'list' as const }];
    // The path names the element by its key ([type=Applied]), so diff against an element with that key if one exists.
    const key = identity(element);
    const sameKey = key ? unused.filter((c) => isMap(c) && c[key] === (element as Fields)[key]) : [];
    return closest(element, sameKey.length ? sameKey : unused, paths[i]).mismatches;
  });
}

function identity(element: unknown): 'type' | 'name' | undefined {
  if (!isMap(element)) return undefined;
  return (['type', 'name'] as const).find((key) => element[key] !== undefined && element[key] !== null && !isMap(element[key]) && !Array.isArray(element[key]));
}

function elementPath(path: string, element: unknown, index: number): string {
  const key = identity(element);
  return key ? `${path}[${key}=${String((element as Fields)[key])}]` : `${path}[${index}]`;
}

// Keys such as `app.kubernetes.io/name` are bracketed so the dots stay unambiguous.
function joinKey(path: string, key: string): string {
  if (!/^[\w-]+$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : typeof value;
}

function describe(value: unknown): string {
  return value === null || value === undefined ? String(value) : `${typeName(value)} ${render(value)}`;
}

function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
