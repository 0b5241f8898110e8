import { describe, expect, it } from 'vitest';
import { fieldPath, MAX_YAML_BYTES, YamlSource } from '../../../src/config/yaml-source.js';

const TEXT = `top:
  list:
    - {name: a}
    - name: b
      value: 1
  empty:
base: &base {x: 1}
copy: *base
`;

describe('fieldPath', () => {
  it.each([
    [[], ''],
    [['name'], 'name'],
    [['managedClusters', 1, 'labels'], 'managedClusters[1].labels'],
    [['spec', 'steps', 2, 'apply'], 'spec.steps[2].apply'],
  ])('%j reads %j', (path, text) => expect(fieldPath(path)).toBe(text));
});

describe('YamlSource', () => {
  const at = (path: PropertyKey[], at?: 'key' | 'value') => {
    const source = new YamlSource('x.yaml', TEXT);
    source.report(path, 'problem', { at });
    const [issue] = source.issues;
    return `${issue!.line}:${issue!.column} ${issue!.field}`;
  };

  it.each([
    [['top', 'list', 0, 'name'], undefined, '3:14 top.list[0].name'],
    [['top', 'list', 1, 'value'], undefined, '5:14 top.list[1].value'],
    [['top', 'list', 1, 'value'], 'key' as const, '5:7 top.list[1].value'],
    [['top', 'empty'], undefined, '6:9 top.empty'],
    [['top', 'list', 1, 'missing'], undefined, '4:7 top.list[1].missing'],
    [['top', 'list', 7], undefined, '3:5 top.list[7]'],
    [['copy', 'x'], undefined, '7:17 copy.x'],
  ])('places %j (%s) at %s', (path, where, expected) => expect(at(path, where)).toBe(expected));

  it('turns YAML syntax errors into issues, and lists issues in file order', () => {
    const source = new YamlSource('x.yaml', 'a: [1\nb: 2\n');
    expect(source.issues[0]).toMatchObject({ file: 'x.yaml', field: '', message: expect.stringMatching(/^invalid YAML: /) });
    const ordered = new YamlSource('x.yaml', TEXT);
    ordered.report(['copy'], 'second');
    ordered.report(['top'], 'first');
    expect(ordered.issues.map((i) => i.message)).toEqual(['first', 'second']);
    expect(ordered.lineOf(['top', 'list', 1])).toBe(4);
  });

  const BOMB = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...'bcdefghi'.split('').map((name, i) => {
    const prev = 'abcdefghi'[i];
    return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`;
  })].join('\n');

  it('refuses an alias bomb quickly, at the first alias, without expanding it', () => {
    const started = Date.now();
    const source = new YamlSource('x.yaml', `${BOMB}\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(source.issues).toEqual([
      { file: 'x.yaml', line: 2, column: 8, field: '', message: 'invalid YAML: its aliases would expand it many times over (anchors that alias other anchors): write the values out' },
    ]);
    expect(source.data()).toBeNull();
  });

  it.each([
    ['a: [*x]\n', 1, 5, 'invalid YAML: alias *x has no anchor &x before it'],
    ['a: &x [1, *x]\n', 1, 11, 'invalid YAML: alias *x is inside its own anchor &x (a cycle)'],
    ['a: &x {b: {c: *x}}\n', 1, 15, 'invalid YAML: alias *x is inside its own anchor &x (a cycle)'],
    ['a: 1\n? [b]\n: 2\n', 2, 3, 'invalid YAML: a key must be a plain value, not a list or mapping'],
  ])('refuses %j at the alias or key', (text, line, column, message) => {
    expect(new YamlSource('x.yaml', text).issues).toEqual([{ file: 'x.yaml', line, column, field: '', message }]);
  });

  it('keeps aliases that are fine, and anchors redefined later', () => {
    const source = new YamlSource('x.yaml', 'a: &x 1\nb: *x\nc: &x [2]\nd: *x\ne: [*x, *x]\n');
    expect(source.issues).toEqual([]);
    expect(source.data()).toEqual({ a: 1, b: 1, c: [2], d: [2], e: [[2], [2]] });
  });

  it.each([
    ['flow', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 1, 104],
    ['block', `${Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} x\n`, 102, 102],
  ])('refuses %s nesting deeper than 100 levels, without recursing through it', (_kind, text, line, column) => {
    expect(new YamlSource('x.yaml', text).issues).toEqual([{ file: 'x.yaml', line, column, field: '', message: 'nested more than 100 levels deep' }]);
  });

  it('takes nesting of 100 levels', () => {
    const source = new YamlSource('x.yaml', `a: ${'['.repeat(99)}${']'.repeat(99)}\n`);
    expect(source.issues).toEqual([]);
  });

  it('refuses a text over 1 MiB before parsing it, for the whole file (line 0)', () => {
    const source = new YamlSource('x.yaml', `a: [${'1,'.repeat(MAX_YAML_BYTES / 2)}1]\n`);
    expect(source.issues).toEqual([{ file: 'x.yaml', line: 0, column: 0, field: '', message: expect.stringMatching(/^the file is 1\.0 MiB, over the 1\.0 MiB a config or scenario file may be/) }]);
    expect(source.documents).toEqual([]);
  });

  it('gives every document as data', () => {
    expect(new YamlSource('x.yaml', 'a: 1\n---\n- b\n---\n').allData()).toEqual([{ a: 1 }, ['b'], null]);
  });
});
