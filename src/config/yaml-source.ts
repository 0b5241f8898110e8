import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

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
  readonly documents: Document.Parsed[];
  private readonly lines = new LineCounter();
  private readonly found: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    text: string,
  ) {
    const docs = parseAllDocuments(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    this.documents = Array.isArray(docs) ? docs : [docs];
    for (const error of this.documents.flatMap((doc) => doc.errors)) {
      this.reportAtOffset(error.pos[0], '', `invalid YAML: ${error.message.split('\n')[0]}`);
    }
  }

  /** Every problem reported so far, in the order of the file. */
  get issues(): ConfigIssue[] {
    return [...this.found].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** The first document as plain data: what the schemas validate. */
  data(): unknown {
    return this.documents[0]?.toJS() ?? null;
  }

  /**
   * Reports a problem with the field at `path`, placed at its value, or at its key with `at: 'key'`.
   * A field that is missing is placed at the closest parent that exists.
   */
  report(path: FieldPath, message: string, options: { at?: 'key' | 'value'; field?: FieldPath } = {}): void {
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

  private reportAtOffset(offset: number, field: string, message: string): void {
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
