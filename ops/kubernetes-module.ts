// Shared by the toolchain and image builds: how Kubernetes binaries are built from the module proxy.
import { $, fs } from 'zx';
import type { ToolchainVersions } from '../src/toolchain/versions.js';

export async function moduleInfo(modVersion: string): Promise<{ Dir: string; GoMod: string }> {
  return JSON.parse((await $`go mod download -json ${modVersion}`).stdout) as { Dir: string; GoMod: string };
}

/** k8s.io/kubernetes replaces its staging modules with local folders; a wrapper module replaces them with the published versions. */
export async function kubernetesGoMod(wrapperModule: string, versions: ToolchainVersions): Promise<string> {
  const info = await moduleInfo(`k8s.io/kubernetes@${versions.kubernetes}`);
  const upstream = await fs.readFile(info.GoMod, 'utf8');
  const staging = [...upstream.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1]);
  if (staging.length < 10) throw new Error(`found only ${staging.length} staging modules in ${info.GoMod}`);
  return [
    `module ${wrapperModule}`,
    '',
    `go ${versions.go}`,
    '',
    `require k8s.io/kubernetes ${versions.kubernetes}`,
    '',
    'replace (',
    ...staging.map((m) => `\t${m} => ${m} ${versions.kubernetesStaging}`),
    ')',
    '',
  ].join('\n');
}

/** The version variables `kubectl version` and `--version` print, as a release build sets them. */
export function kubernetesLdflags(base: string, versions: ToolchainVersions): string {
  const [major, minor] = versions.kubernetes.replace(/^v/, '').split('.');
  const vars = { gitVersion: versions.kubernetes, gitMajor: major, gitMinor: minor, gitTreeState: 'clean', buildDate: '1970-01-01T00:00:00Z' };
  const pkgs = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'];
  return [base, ...pkgs.flatMap((p) => Object.entries(vars).map(([k, v]) => `-X ${p}.${k}=${v}`))].join(' ');
}
