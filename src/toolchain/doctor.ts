import { accessSync, constants, existsSync } from 'node:fs';
import { execa } from 'execa';
import {
  assessRuntimeAdaptation,
  detectKindSupport,
  dockerProbes,
  ENSURE_DOCKER,
  hostRefusesSysResource,
  kindHostLimits,
} from '../providers/docker.js';
import { freePorts } from '../process/ports.js';
import type { BinaryName } from './binaries.js';
import { ALL_BINARIES } from './binaries.js';
import { findToolchain } from './toolchain.js';
import { loadVersions, toolchainDir, type ToolchainVersions } from './versions.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  fix?: string;
}

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

/**
 * Every condition kind needs, each on its own line with its fix. Docker is optional (the local provider
 * needs none), so a problem is a warning unless the config asks for kind.
 */
async function checkDocker(nodeImage: string, kindRequired: boolean): Promise<Check[]> {
  const problem: CheckLevel = kindRequired ? 'fail' : 'warn';
  const probes = dockerProbes();
  const kind = await detectKindSupport(nodeImage, { probes, exhaustive: true });
  const checks: Check[] = kind.conditions.map((condition) =>
    condition.ok
      ? { name: `${condition.name} (kind)`, level: 'ok', detail: condition.detail }
      : { name: `${condition.name} (kind)`, level: problem, detail: condition.detail, fix: condition.fix },
  );

  const engineAnswers = kind.conditions.some((c) => c.name === 'docker engine' && c.ok);
  const privileged = kind.conditions.find((c) => c.name === 'privileged containers');
  const adaptation = assessRuntimeAdaptation({
    hostRefuses: hostRefusesSysResource(),
    defaultRuntime: engineAnswers ? await probes.defaultRuntime() : undefined,
    privilegedWorks: privileged?.ok,
  });
  checks.push(
    adaptation.ok
      ? { name: 'runtime adaptation (kind)', level: 'ok', detail: adaptation.detail }
      : { name: 'runtime adaptation (kind)', level: problem, detail: adaptation.detail, fix: `${ENSURE_DOCKER} (as root)` },
  );

  const limits = kindHostLimits();
  if (limits.length === 0) checks.push({ name: 'inotify (kind)', level: 'ok', detail: "at or above kind's recommended limits" });
  for (const limit of limits) checks.push({ name: 'inotify (kind)', level: 'warn', detail: limit.problem, fix: limit.fix });
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

/** Every prerequisite, each with a fix for any problem. `kindRequired` (the config says `provider: kind`) makes Docker problems failures. */
export async function runDoctor(options: { nodeImage: string; kindRequired?: boolean }): Promise<Check[]> {
  const [node, go, binaries, docker, ports] = await Promise.all([
    checkNode(),
    checkGo(),
    checkBinaries(),
    checkDocker(options.nodeImage, options.kindRequired ?? false),
    checkPorts(),
  ]);
  return [node, go, ...binaries, ...docker, ports];
}
