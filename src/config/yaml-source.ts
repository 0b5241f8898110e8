import { Composer, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, Parser, visit, type CST, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

/** A config or scenario is a few KiB; anything this large is a mistake or an attack, refused before parsing. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Deep enough for any Kubernetes object; deeper input would recurse through the parser until the stack runs out. */
export const MAX_YAML_DEPTH = 100;
/** yaml's guard against alias expansion ("billion laughs"): an anchor may be aliased this often times the aliases inside it. */
const MAX_ALIAS_COUNT = 100;
/** Problems listed per file; a file with thousands (a generated or corrupted one) is summed up after these. */
export const MAX_ISSUES = 50;

export type FieldPath = readonly PropertyKey[];

/** How users read a field path: `managedClusters[1].labels`, `spec.steps[2].apply`. */
export function fieldPath(path: FieldPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/**
 * A YAML file with positions: reports problems by field path, at the line and column of the node the path
 * leads to, and collects them all instead of stopping at the first.
 */
export class YamlSource {
  readonly documents: Document.Parsed[] = [];
  private readonly lines = new LineCounter();
  private readonly found: ConfigIssue[] = [];
  private readonly values = new Map<number, unknown>();
  private notListed = 0;

  constructor(
    readonly file: string,
    text: string,
  ) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_YAML_BYTES) {
      this.found.push({ file, line: 0, column: 0, field: '', message: tooLarge(size) });
      return;
    }
    const tokens = Array.from(new Parser(this.lines.addNewLine).parse(text));
    const deepest = deepestToken(tokens);
    if (deepest) {
      this.reportAtOffset(deepest.offset, '', `nested more than ${MAX_YAML_DEPTH} levels deep`);
      return;
    }
    this.documents = Array.from(new Composer({ uniqueKeys: true, prettyErrors: false }).compose(tokens));
    for (const error of this.documents.flatMap((doc) => doc.errors)) {
      this.reportAtOffset(error.pos[0], '', `invalid YAML: ${error.message.split('\n')[0]}`);
    }
    if (!this.found.length) this.documents.forEach((doc, index) => this.convert(doc, index));
  }

  /** Every problem reported so far, in the order of the file. */
  get issues(): ConfigIssue[] {
    const issues = [...this.found].sort((a, b) => a.line - b.line || a.column - b.column);
    if (!this.notListed) return issues;
    return [...issues, { file: this.file, line: 0, column: 0, field: '', message: `and ${this.notListed} more problem${this.notListed === 1 ? '' : 's'}, not listed: fix the ones above first` }];
  }

  /** The first document as plain data: what the schemas validate. */
  data(): unknown {
    return this.values.get(0) ?? null;
  }

  /** Every document as plain data (null for one that could not be converted: see `issues`). */
  allData(): unknown[] {
    return this.documents.map((_, index) => this.values.get(index) ?? null);
  }

  /**
   * Reports a problem with the field at `path`, placed at its value, or at its key with `at: 'key'`.
   * A field that is missing is placed at the closest parent that exists.
   */
  report(path: FieldPath, message: string, options: { at?: 'key' | 'value'; field?: FieldPath } = {}): void {
    if (this.full()) return;
    const node = this.nodeAt(path, options.at ?? 'value');
    this.reportAtOffset(node?.range?.[0] ?? 0, fieldPath(options.field ?? path), message);
  }

  /** Reports a problem at a node of the parsed documents (or the start of the file). */
  reportAtNode(node: Node | null | undefined, field: string, message: string): void {
    this.reportAtOffset(node?.range?.[0] ?? 0, field, message);
  }

  /** 1-based line of the field at `path` (or of its closest parent). */
  lineOf(path: FieldPath): number {
    return this.lines.linePos(this.nodeAt(path, 'value')?.range?.[0] ?? 0).line;
  }

  throwIfIssues(hint?: string): void {
    if (this.issues.length) throw new ConfigError(this.issues, hint);
  }

  /**
   * Converts a document to plain data, refusing aliases that point nowhere, into themselves (a cycle)
   * or that would expand the document many times over.
   */
  private convert(doc: Document.Parsed, index: number): void {
    const anchors = new Map<string, unknown>();
    let ok = true;
    let firstAlias: Node | undefined;
    visit(doc, {
      Pair: (_key, pair) => {
        if (!isCollection(pair.key)) return;
        // A list or mapping as a key becomes a made-up string in plain data; no field of ours takes one.
        this.reportAtNode(pair.key, '', 'invalid YAML: a key must be a plain value, not a list or mapping');
        ok = false;
      },
      Node: (_key, node, path) => {
        if (isAlias(node)) {
          firstAlias ??= node;
          const target = anchors.get(node.source);
          if (!target) this.reportAtNode(node, '', `invalid YAML: alias *${node.source} has no anchor &${node.source} before it`);
          else if (path.includes(target as Node)) this.reportAtNode(node, '', `invalid YAML: alias *${node.source} is inside its own anchor &${node.source} (a cycle)`);
          else return;
          ok = false;
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
    if (!ok) return;
    try {
      this.values.set(index, doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const bomb = /alias count/i.test(reason);
      this.reportAtNode(
        bomb ? firstAlias : doc.contents,
        '',
        bomb ? 'invalid YAML: its aliases would expand it many times over (anchors that alias other anchors): write the values out' : `invalid YAML: ${reason}`,
      );
    }
  }

  /** Whether MAX_ISSUES are listed already; counts the problem that is then left out. */
  private full(): boolean {
    if (this.found.length < MAX_ISSUES) return false;
    this.notListed += 1;
    return true;
  }

  private reportAtOffset(offset: number, field: string, message: string): void {
    if (this.full()) return;
    const { line, col } = this.lines.linePos(offset);
    this.found.push({ file: this.file, line, column: col, field, message });
  }

  private nodeAt(path: FieldPath, at: 'key' | 'value'): Node | undefined {
    const doc = this.documents[0];
    let node = (doc?.contents ?? undefined) as Node | undefined;
    for (const [index, key] of path.entries()) {
      if (isAlias(node)) node = node.resolve(doc!) as Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(key));
        if (!pair) return node;
        const keyNode = pair.key as Node;
        node = at === 'key' && index === path.length - 1 ? keyNode : ((pair.value as Node | null) ?? keyNode);
      } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
        node = node.items[key] as Node;
      } else {
        return node;
      }
    }
    return node;
  }
}

/** The message for a file over MAX_YAML_BYTES. */
export function tooLarge(bytes: number): string {
  const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `the file is ${mib(bytes)}, over the ${mib(MAX_YAML_BYTES)} a config or scenario file may be: is it the right file?`;
}

/** The first CST token nested deeper than MAX_YAML_DEPTH, found without recursion (the parser's tokens are not yet bounded). */
function deepestToken(tokens: CST.Token[]): CST.Token | undefined {
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (depth > MAX_YAML_DEPTH) return token;
    if ('value' in token && token.value && typeof token.value === 'object') stack.push([token.value, depth]);
    if ('items' in token) {
      for (const item of token.items) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
