import { accessSync, constants, existsSync } from 'node:fs';
import { execa } from 'execa';
import type { Check } from '../core/check.js';
import { freePorts } from '../process/ports.js';
import type { BinaryName } from './binaries.js';
import { ALL_BINARIES } from './binaries.js';
import { findToolchain } from './toolchain.js';
import { loadVersions, toolchainDir, type ToolchainVersions } from './versions.js';

export type { Check, CheckLevel } from '../core/check.js';

/** How each binary reports its version, and the pinned version that output must contain. */
const VERSION_PROBES: Partial<Record<BinaryName, { args: string[]; expect: (v: ToolchainVersions) => string }>> = {
  etcd: { args: ['--version'], expect: (v) => v.etcd.replace(/^v/, '') },
  'kube-apiserver': { args: ['--version'], expect: (v) => v.kubernetes },
  'kube-controller-manager': { args: ['--version'], expect: (v) => v.kubernetes },
  'kube-scheduler': { args: ['--version'], expect: (v) => v.kubernetes },
  kubectl: { args: ['version', '--client'], expect: (v) => v.kubernetes },
  kwok: { args: ['--version'], expect: (v) => v.kwok },
  kwokctl: { args: ['--version'], expect: (v) => v.kwok },
  clusteradm: { args: ['version'], expect: (v) => v.clusteradm },
  kind: { args: ['version'], expect: (v) => v.kind },
  helm: { args: ['version', '--short'], expect: (v) => v.helm },
};

function versionAtLeast(actual: string, minimum: [number, number]): boolean {
  const [major = 0, minor = 0] = actual.split('.').map(Number);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

async function checkNode(): Promise<Check> {
  const version = process.versions.node;
  return versionAtLeast(version, [20, 5])
    ? { name: 'node', level: 'ok', detail: `v${version}` }
    : { name: 'node', level: 'fail', detail: `v${version} is too old`, fix: 'install Node.js 20.5 or newer' };
}

async function checkGo(): Promise<Check> {
  const result = await execa('go', ['env', 'GOVERSION'], { reject: false });
  if (result.exitCode !== 0) {
    return { name: 'go', level: 'fail', detail: 'not found', fix: 'install Go 1.25+ (needed once, to build the toolchain)' };
  }
  const version = result.stdout.trim().replace(/^go/, '');
  return versionAtLeast(version, [1, 25])
    ? { name: 'go', level: 'ok', detail: `go${version}` }
    : { name: 'go', level: 'fail', detail: `go${version} is too old`, fix: 'install Go 1.25 or newer' };
}

async function checkBinaries(): Promise<Check[]> {
  const versions = loadVersions();
  const toolchain = findToolchain();
  if (!toolchain) {
    return [{ name: 'toolchain', level: 'fail', detail: `not built (expected in ${toolchainDir()})`, fix: './lab setup' }];
  }
  const checks: Check[] = [{ name: 'toolchain', level: 'ok', detail: toolchain.dir }];
  for (const binary of ALL_BINARIES) {
    const path = toolchain.bin(binary);
    const probe = VERSION_PROBES[binary];
    if (!existsSync(path)) {
      checks.push({ name: binary, level: 'fail', detail: 'missing', fix: './lab setup' });
      continue;
    }
    if (!probe) {
      accessSync(path, constants.X_OK);
      checks.push({ name: binary, level: 'ok', detail: `ocm ${versions.ocm}` });
      continue;
    }
    const result = await execa(path, probe.args, { reject: false, timeout: 10_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    const expected = probe.expect(versions);
    checks.push(
      output.includes(expected)
        ? { name: binary, level: 'ok', detail: expected }
        : { name: binary, level: 'fail', detail: `does not report ${expected}`, fix: 'rebuild: npx tsx ops/toolchain/build.ts --force' },
    );
  }
  return checks;
}

async function checkPorts(): Promise<Check> {
  const wanted = 40;
  try {
    const ports = await freePorts(wanted);
    return { name: 'ports', level: 'ok', detail: `${ports.length} free ports on 127.0.0.1` };
  } catch (error) {
    return { name: 'ports', level: 'fail', detail: `cannot allocate ${wanted} ports on 127.0.0.1: ${(error as Error).message}`, fix: 'free some local ports or check the loopback interface' };
  }
}

/** The prerequisites every lab has (node, go, the toolchain's binaries, ports), each with a fix for any problem; providers add their own. */
export async function runDoctor(): Promise<Check[]> {
  const [node, go, binaries, ports] = await Promise.all([checkNode(), checkGo(), checkBinaries(), checkPorts()]);
  return [node, go, ...binaries, ports];
}
