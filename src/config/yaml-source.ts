import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

/**
 * Reads a parsed YAML document with positions, collecting every problem as a ConfigIssue
 * (file, line, column, field path) instead of stopping at the first.
 */
export class YamlSource {
  readonly issues: ConfigIssue[] = [];
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  /** Parses every document; syntax errors become issues. */
  documents(): Document.Parsed[] {
    const docs = parseAllDocuments(this.text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      for (const error of doc.errors) {
        this.issueAtOffset(error.pos[0], '', `invalid YAML: ${error.message.split('\n')[0]}`);
      }
    }
    return list;
  }

  issueAtOffset(offset: number, field: string, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({ file: this.file, line, column: col, field, message });
  }

  issue(node: Node | Pair | null | undefined, field: string, message: string): void {
    this.issueAtOffset(offsetOf(node), field, message);
  }

  /** 1-based line of a node. */
  lineOf(node: Node | Pair | null | undefined): number {
    return this.lines.linePos(offsetOf(node)).line;
  }

  throwIfIssues(hint?: string): void {
    if (this.issues.length) throw new ConfigError(this.issues, hint);
  }

  map(node: unknown, field: string): YAMLMap<unknown, unknown> | undefined {
    if (isMap(node)) return node;
    this.issue(node as Node, field, `must be a mapping, got ${describe(node)}`);
    return undefined;
  }

  seq(node: unknown, field: string): YAMLSeq<unknown> | undefined {
    if (isSeq(node)) return node;
    this.issue(node as Node, field, `must be a list, got ${describe(node)}`);
    return undefined;
  }

  /** Flags keys that are not in `allowed`, and returns the known ones by name. */
  fields(map: YAMLMap<unknown, unknown> | undefined, field: string, allowed: readonly string[]): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    for (const pair of map?.items ?? []) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = join(field, key);
      if (!allowed.includes(key)) {
        this.issue(pair.key as Node, path, `unknown key "${key}" (allowed: ${allowed.join(', ')})`);
        continue;
      }
      out.set(key, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  string(node: Node | null | undefined, field: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
    this.issue(node, field, `must be a non-empty string, got ${describe(node)}`);
    return undefined;
  }

  integer(node: Node | null | undefined, field: string, min: number, max: number): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min && node.value <= max) {
      return node.value;
    }
    this.issue(node, field, `must be an integer from ${min} to ${max}, got ${describe(node)}`);
    return undefined;
  }

  oneOf<T extends string>(node: Node | null | undefined, field: string, values: readonly T[]): T | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    this.issue(node, field, `must be one of ${values.join(', ')}, got ${describe(node)}`);
    return undefined;
  }

  /** A mapping of string keys to string values (Kubernetes labels). */
  stringMap(node: Node | null | undefined, field: string): Record<string, string> {
    const map = this.map(node, field);
    const out: Record<string, string> = {};
    for (const pair of map?.items ?? []) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (isScalar(value) && ['string', 'number', 'boolean'].includes(typeof value.value)) out[key] = String(value.value);
      else this.issue(value ?? (pair.key as Node), join(field, key), `must be a string, got ${describe(value)}`);
    }
    return out;
  }

  stringList(node: Node | null | undefined, field: string): { value: string; node: Node }[] {
    const seq = this.seq(node, field);
    const out: { value: string; node: Node }[] = [];
    seq?.items.forEach((item, index) => {
      const value = this.string(item as Node, `${field}[${index}]`);
      if (value !== undefined) out.push({ value, node: item as Node });
    });
    return out;
  }
}

function offsetOf(node: Node | Pair | null | undefined): number {
  const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
  return range?.[0] ?? 0;
}

export function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

export function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'null';
    return `${typeof node.value} ${JSON.stringify(node.value)}`;
  }
  return typeof node;
}
