import { describe, expect, it } from 'vitest';
import { fieldPath, YamlSource } from '../../../src/config/yaml-source.js';

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
});
