/** Longest name segment the bundle uses (file systems allow 255 bytes; a suffix such as `.yaml` follows). */
const MAX_LENGTH = 100;

/**
 * A name (scenario, cluster, namespace, pod, process id) as one path segment: letters, digits, `.`, `_` and
 * `-` only, at most 100 characters, never starting with a dot (so never `.`, `..` or hidden), never empty.
 */
export function safeName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .slice(0, MAX_LENGTH);
  return safe || '_';
}
