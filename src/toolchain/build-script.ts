import { execa } from 'execa';
import { throwIfAborted } from '../process/abort.js';

/**
 * Runs one of the zx build scripts (toolchain, kind images) with the tsx that ships with ocm-lab,
 * passing its `[prefix] ` progress lines to `onLine` and keeping the last lines for an error message.
 */
export async function runBuildScript(script: string, prefix: string, onLine: (line: string) => void, signal?: AbortSignal, args: string[] = []): Promise<{ exitCode: number; tail: string[] }> {
  // tsx resolved from here, not from the caller's folder.
  const child = execa(process.execPath, ['--import', import.meta.resolve('tsx'), script, ...args], { all: true, reject: false, buffer: { all: true }, cancelSignal: signal });
  const tail: string[] = [];
  const marker = `[${prefix}] `;
  child.all?.setEncoding('utf8');
  let pending = '';
  child.all?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.startsWith(marker)) onLine(line.slice(marker.length));
    }
  });
  const result = await child;
  throwIfAborted(signal);
  return { exitCode: result.exitCode ?? 1, tail };
}
