import { describe, expect, it } from 'vitest';
import { closest, formatMismatches, match, type Mismatch } from '../../../src/scenario/matcher.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, uid: 'abc' },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
  status: { availableReplicas: 0, readyReplicas: 0 },
};

const conditions = [
  { type: 'Available', status: 'True', reason: 'Ready' },
  { type: 'Applied', status: 'False', reason: 'AppliedManifestFailed' },
  { type: 'Progressing', status: 'True', reason: 'Ready' },
];

describe('match: maps', () => {
  it('matches a subset; extra actual keys are fine', () => {
    expect(match({ kind: 'Deployment', metadata: { name: 'web' } }, deployment)).toEqual([]);
    expect(match({}, deployment)).toEqual([]);
  });

  it('reports a missing key with its path', () => {
    expect(match({ metadata: { labels: { env: 'dev' } } }, deployment)).toEqual([
      { path: 'metadata.labels.env', expected: 'dev', actual: undefined, reason: 'missing' },
    ]);
  });

  it('reports a missing nested map once, at its own path', () => {
    expect(match({ spec: { selector: { matchLabels: { app: 'web' } } } }, deployment)).toEqual([
      { path: 'spec.selector', expected: { matchLabels: { app: 'web' } }, actual: undefined, reason: 'missing' },
    ]);
  });

  it('recurses into nested maps and reports every differing field', () => {
    expect(match({ spec: { replicas: 2 }, status: { availableReplicas: 1, readyReplicas: 0 } }, deployment)).toEqual([
      { path: 'spec.replicas', expected: 2, actual: 1, reason: 'value' },
      { path: 'status.availableReplicas', expected: 1, actual: 0, reason: 'value' },
    ]);
  });

  it('brackets keys containing dots or slashes', () => {
    expect(match({ metadata: { labels: { 'app.kubernetes.io/name': 'api' } } }, deployment)).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/name"]', expected: 'api', actual: 'web', reason: 'value' },
    ]);
  });
});

describe('match: lists', () => {
  it('matches order-free, with extra actual elements allowed', () => {
    expect(match([3, 1], [1, 2, 3])).toEqual([]);
    expect(match([], [1, 2])).toEqual([]);
    expect(match({ spec: { template: { spec: { containers: [{ name: 'nginx' }] } } } }, deployment)).toEqual([]);
  });

  it('matches conditions by content in any order', () => {
    const actual = { status: { conditions } };
    expect(match({ status: { conditions: [{ type: 'Applied', status: 'False' }] } }, actual)).toEqual([]);
    expect(
      match({ status: { conditions: [{ type: 'Progressing', status: 'True' }, { type: 'Available', status: 'True' }] } }, actual),
    ).toEqual([]);
  });

  it('needs a distinct actual element for each expected element', () => {
    expect(match([{ type: 'Applied' }, { type: 'Applied' }], [{ type: 'Applied', status: 'True' }])).toEqual([
      { path: '[type=Applied]', expected: { type: 'Applied' }, actual: [{ type: 'Applied', status: 'True' }], reason: 'list' },
    ]);
    expect(match([1, 1], [1, 2])).toEqual([{ path: '[1]', expected: 1, actual: 2, reason: 'value' }]);
    expect(match([1, 1], [1, 1])).toEqual([]);
  });

  it('finds an assignment where a greedy first pick would fail', () => {
    // Greedy would give {a: 1} the first actual element, leaving nothing for {a: 1, b: 2}.
    expect(match([{ a: 1 }, { a: 1, b: 2 }], [{ a: 1, b: 2 }, { a: 1 }])).toEqual([]);
    expect(match(['x', { k: 'v' }, 'x'], [{ k: 'v', extra: true }, 'x', 'y', 'x'])).toEqual([]);
  });

  it('reports the closest actual element, diffed by the expected element key', () => {
    expect(match({ status: { conditions: [{ type: 'Applied', status: 'True' }] } }, { status: { conditions } })).toEqual([
      { path: 'status.conditions[type=Applied].status', expected: 'True', actual: 'False', reason: 'value' },
    ]);
  });

  it('names elements by name when there is no type, else by expected index', () => {
    const containers = [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'envoy:1' }];
    expect(match([{ name: 'sidecar', image: 'envoy:2' }], containers)).toEqual([
      { path: '[name=sidecar].image', expected: 'envoy:2', actual: 'envoy:1', reason: 'value' },
    ]);
    expect(match([{ port: 80 }, { port: 443 }], [{ port: 80 }, { port: 8443 }])).toEqual([
      { path: '[1].port', expected: 443, actual: 8443, reason: 'value' },
    ]);
  });

  it('picks the element with the fewest mismatches when no key narrows it', () => {
    const actual = [{ host: 'a', port: 1, tls: false }, { host: 'b', port: 443, tls: false }];
    expect(match([{ host: 'b', port: 443, tls: true }], actual)).toEqual([{ path: '[0].tls', expected: true, actual: false, reason: 'value' }]);
  });

  it("reports 'list' with the actual list when no element is left", () => {
    expect(match({ status: { conditions: [{ type: 'Applied' }] } }, { status: { conditions: [] } })).toEqual([
      { path: 'status.conditions[type=Applied]', expected: { type: 'Applied' }, actual: [], reason: 'list' },
    ]);
  });

  it('reports a missing list as missing', () => {
    expect(match({ status: { conditions: [{ type: 'Applied' }] } }, { status: {} })).toEqual([
      { path: 'status.conditions', expected: [{ type: 'Applied' }], actual: undefined, reason: 'missing' },
    ]);
  });
});

describe('match: scalars, types and null', () => {
  it('compares scalars strictly', () => {
    expect(match('a', 'a')).toEqual([]);
    expect(match(true, true)).toEqual([]);
    expect(match(true, false)).toEqual([{ path: '', expected: true, actual: false, reason: 'value' }]);
  });

  it('reports a number against its string form as a type mismatch', () => {
    expect(match({ spec: { replicas: 1 } }, { spec: { replicas: '1' } })).toEqual([
      { path: 'spec.replicas', expected: 1, actual: '1', reason: 'type' },
    ]);
    expect(match({ status: 'True' }, { status: true })).toEqual([{ path: 'status', expected: 'True', actual: true, reason: 'type' }]);
  });

  it('reports map vs list and scalar vs map as type mismatches', () => {
    expect(match({ spec: { a: 1 } }, { spec: [{ a: 1 }] })).toEqual([
      { path: 'spec', expected: { a: 1 }, actual: [{ a: 1 }], reason: 'type' },
    ]);
    expect(match({ spec: [1] }, { spec: { 0: 1 } })).toEqual([{ path: 'spec', expected: [1], actual: { 0: 1 }, reason: 'type' }]);
    expect(match({ spec: 'x' }, { spec: { x: 1 } })).toEqual([{ path: 'spec', expected: 'x', actual: { x: 1 }, reason: 'type' }]);
    expect(match({ spec: { x: 1 } }, { spec: 'x' })).toEqual([{ path: 'spec', expected: { x: 1 }, actual: 'x', reason: 'type' }]);
  });

  it('lets null match only null or absent', () => {
    expect(match({ spec: { paused: null } }, { spec: {} })).toEqual([]);
    expect(match({ spec: { paused: null } }, { spec: { paused: null } })).toEqual([]);
    expect(match({ spec: { paused: null } }, { spec: { paused: false } })).toEqual([
      { path: 'spec.paused', expected: null, actual: false, reason: 'value' },
    ]);
  });

  it('treats an actual null as a type mismatch for a non-null expectation', () => {
    expect(match({ spec: { paused: false } }, { spec: { paused: null } })).toEqual([
      { path: 'spec.paused', expected: false, actual: null, reason: 'type' },
    ]);
  });
});

describe('closest', () => {
  const clusters = [
    { metadata: { name: 'c1', labels: { env: 'prod' } }, spec: { hubAcceptsClient: false } },
    { metadata: { name: 'c2', labels: { env: 'dev' } }, spec: { hubAcceptsClient: false } },
    { metadata: { name: 'c3', labels: { env: 'dev' } }, spec: { hubAcceptsClient: true } },
  ];

  it('returns the exact match with no mismatches', () => {
    const result = closest({ metadata: { labels: { env: 'dev' } }, spec: { hubAcceptsClient: true } }, clusters);
    expect(result).toEqual({ candidate: clusters[2], mismatches: [] });
  });

  it('returns the candidate with the fewest mismatches', () => {
    const result = closest({ metadata: { name: 'c2' }, spec: { hubAcceptsClient: true } }, clusters);
    expect(result.candidate).toBe(clusters[1]);
    expect(result.mismatches).toEqual([{ path: 'spec.hubAcceptsClient', expected: true, actual: false, reason: 'value' }]);
  });

  it('prefers the first candidate on ties', () => {
    const result = closest({ metadata: { labels: { env: 'staging' } } }, clusters);
    expect(result.candidate).toBe(clusters[0]);
    expect(result.mismatches).toEqual([{ path: 'metadata.labels.env', expected: 'staging', actual: 'prod', reason: 'value' }]);
  });

  it('reports missing when there are no candidates', () => {
    expect(closest({ kind: 'Pod' }, [])).toEqual({ mismatches: [{ path: '', expected: { kind: 'Pod' }, actual: undefined, reason: 'missing' }] });
  });
});

describe('formatMismatches', () => {
  it('renders one line per mismatch by reason', () => {
    const mismatches: Mismatch[] = [
      { path: 'status.availableReplicas', expected: 1, actual: 0, reason: 'value' },
      { path: 'metadata.labels.env', expected: 'dev', actual: undefined, reason: 'missing' },
      { path: 'spec.replicas', expected: 1, actual: '1', reason: 'type' },
      { path: 'spec', expected: { a: 1 }, actual: null, reason: 'type' },
      { path: 'status.conditions[type=Applied]', expected: { type: 'Applied' }, actual: [], reason: 'list' },
    ];
    expect(formatMismatches(mismatches)).toBe(
      [
        'status.availableReplicas: expected 1, got 0',
        'metadata.labels.env: expected "dev", missing',
        'spec.replicas: expected number 1, got string "1"',
        'spec: expected map {"a":1}, got null',
        'status.conditions[type=Applied]: expected {"type":"Applied"}, no element left in []',
      ].join('\n'),
    );
  });

  it('formats what match reports', () => {
    expect(formatMismatches(match({ status: { conditions: [{ type: 'Applied', status: 'True' }] } }, { status: { conditions } }))).toBe(
      'status.conditions[type=Applied].status: expected "True", got "False"',
    );
    expect(formatMismatches(closest({ kind: 'Pod' }, []).mismatches)).toBe('expected {"kind":"Pod"}, missing');
    expect(formatMismatches([])).toBe('');
  });

  it('truncates long values to about 120 characters', () => {
    const long = { data: 'x'.repeat(200) };
    const line = formatMismatches([{ path: 'spec', expected: 'y', actual: long, reason: 'value' }]);
    expect(line).toBe(`spec: expected "y", got ${JSON.stringify(long).slice(0, 119)}…`);
    expect(line.length).toBe('spec: expected "y", got '.length + 120);
  });

  it('caps the lines and says how many more there are', () => {
    const mismatches: Mismatch[] = Array.from({ length: 8 }, (_, i) => ({ path: `f${i}`, expected: i, actual: undefined, reason: 'missing' }));
    expect(formatMismatches(mismatches)).toBe(
      ['f0: expected 0, missing', 'f1: expected 1, missing', 'f2: expected 2, missing', 'f3: expected 3, missing', 'f4: expected 4, missing', '… and 3 more'].join('\n'),
    );
    expect(formatMismatches(mismatches, 2)).toBe('f0: expected 0, missing\nf1: expected 1, missing\n… and 6 more');
    expect(formatMismatches(mismatches, 8).split('\n')).toHaveLength(8);
  });
});
