import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KindProvider } from '../../../src/providers/kind/kind-provider.js';
import type { SysctlIo } from '../../../src/providers/kind/host-sysctls.js';
import type { Toolchain } from '../../../src/toolchain/toolchain.js';
import { useFakeBins } from './fake-bins.js';

// Stand-ins for `docker` and `kind` on PATH (our logic only): docker answers from $FAKE_DIR/engine.json as the
// engine would (ps, container inspect, network ls/inspect/rm), and both record every call they get.
const FAKE_DOCKER = `#!/usr/bin/env node
const fs = require('node:fs');
const dir = process.env.FAKE_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls', JSON.stringify(['docker', ...args]) + '\\n');
const engine = JSON.parse(fs.readFileSync(dir + '/engine.json', 'utf8'));
const save = () => fs.writeFileSync(dir + '/engine.json', JSON.stringify(engine));
const labelled = (labels, filter) => Object.keys(labels || {}).includes(filter.replace(/^label=/, ''));
const [a, b] = args;
if (a === 'ps') console.log(engine.containers.filter((c) => labelled(c.Config.Labels, args.at(-1))).map((c) => c.Id).join('\\n'));
else if (a === 'container' && b === 'inspect') console.log(JSON.stringify(args.slice(2).map((id) => engine.containers.find((c) => c.Id === id))));
else if (a === 'network' && b === 'ls') console.log(engine.networks.filter((n) => labelled(n.Labels, args.at(-1))).map((n) => n.Id).join('\\n'));
else if (a === 'network' && b === 'inspect') console.log(JSON.stringify(args.slice(2).map((id) => engine.networks.find((n) => n.Id === id))));
else if (a === 'network' && b === 'rm') { engine.networks = engine.networks.filter((n) => !args.includes(n.Id)); save(); }
`;
const FAKE_KIND = `#!/usr/bin/env node
const fs = require('node:fs');
fs.appendFileSync(process.env.FAKE_DIR + '/calls', JSON.stringify(['kind', ...process.argv.slice(2)]) + '\\n');
`;

function node(id: string, cluster: string, stateDir: string | undefined) {
  return {
    Id: id,
    Name: `/${cluster}-control-plane`,
    Config: { Labels: { 'io.x-k8s.kind.cluster': cluster } },
    Mounts: stateDir === undefined ? [] : [{ Type: 'bind', Source: `${stateDir}/kind/owner/${cluster.split('-').at(-1)}`, Destination: '/etc/ocm-lab' }],
  };
}

describe('the kind provider acts only on what it can prove is its own', () => {
  let dir: string;
  /** This lab's state dir: a path with a space, as in a checkout under "My Projects". */
  let stateDir: string;
  let otherCheckout: string;

  const calls = (): string[][] => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);
  const actions = () => calls().filter((c) => !(c[0] === 'docker' && (c[1] === 'ps' || c[2] === 'inspect' || (c[1] === 'network' && c[2] === 'ls'))));
  const engine = (containers: unknown[], networks: unknown[] = []) => writeFileSync(join(dir, 'engine.json'), JSON.stringify({ containers, networks }));
  const fakeHost = (refuse: boolean): SysctlIo & { values: Record<string, string> } => {
    const values: Record<string, string> = { 'kernel/panic': '10', 'kernel/panic_on_oops': '1', 'vm/overcommit_memory': '1' };
    return {
      values,
      read: (key) => values[key],
      write: (key, value) => {
        if (refuse) throw Object.assign(new Error(`EACCES: permission denied, open '/proc/sys/${key}'`), { code: 'EACCES' });
        values[key] = value;
      },
    };
  };
  const provider = (labName: string, options: { sysctls?: SysctlIo } = {}) =>
    new KindProvider({
      labName,
      dirs: { work: join(stateDir, 'kind'), kubeconfigs: join(stateDir, 'kubeconfigs'), owner: stateDir },
      toolchain: { bin: () => join(dir, 'kind') } as unknown as Toolchain,
      nodeImage: 'kindest/node:v1.36.1',
      extraImages: ['a:1'],
      ...options,
    });

  const fake = useFakeBins({ docker: FAKE_DOCKER, kind: FAKE_KIND });
  beforeEach(() => {
    dir = fake.dir();
    stateDir = join(dir, 'My Projects', '.lab', 'ocm');
    otherCheckout = join(dir, 'other checkout', '.lab', 'ocm');
    mkdirSync(join(stateDir, 'kubeconfigs'), { recursive: true });
  });

  it('finds its clusters and network when its state dir path has a space', async () => {
    engine([node('c1', 'ocm-hub', stateDir), node('c2', 'ocm-cluster1', otherCheckout)], [{ Id: 'n1', Name: 'ocm-lab-ocm-1', Labels: { 'io.ocm-lab.owner': stateDir } }]);
    expect(await provider('ocm').list()).toEqual(['hub']);
    expect(await KindProvider.ownsAnything(stateDir)).toBe(true);
    engine([node('c2', 'ocm-cluster1', otherCheckout)]);
    expect(await KindProvider.ownsAnything(stateDir)).toBe(false);
  });

  it.each([
    ['a lab of the same name in another checkout', 'cluster1', 'ocm-cluster1', ['other checkout', '.lab', 'ocm']],
    ['lab "ocm-lab" with cluster "hub" (same kind name as lab "ocm", cluster "lab-hub")', 'lab-hub', 'ocm-lab-hub', ['x', '.lab', 'ocm-lab']],
  ])('refuses at create a kind name held by %s, touching nothing', async (_what, cluster, kindName, otherLab) => {
    const otherStateDir = join(dir, ...otherLab);
    engine([node('c9', kindName, otherStateDir)]);
    const creating = provider('ocm').create({ name: cluster, role: 'managed' });
    await expect(creating).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`kind cluster "${kindName}" already exists and is not this lab's`) });
    await expect(creating).rejects.toThrow(`another lab (state dir ${otherStateDir})`);
    expect(actions()).toEqual([]);
    expect(existsSync(join(stateDir, 'kind', 'host-sysctls.json'))).toBe(false);
  });

  it('refuses a whole lab in one look when any of its kind names is taken, so up can ask before creating any', async () => {
    engine([node('c1', 'ocm-hub', stateDir), node('c2', 'ocm-cluster1', otherCheckout)]);
    await expect(provider('ocm').refuseTakenNames(['hub', 'cluster1', 'cluster2'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('cluster cluster1:') });
    await expect(provider('ocm').refuseTakenNames(['hub', 'cluster2'])).resolves.toBeUndefined();
    expect(actions()).toEqual([]);
  });

  it('refuses at create a cluster no lab made (plain kind)', async () => {
    engine([node('c4', 'ocm-hub', undefined)]);
    await expect(provider('ocm').create({ name: 'hub', role: 'hub' })).rejects.toMatchObject({ exitCode: 2, hint: expect.stringContaining('kind delete cluster --name ocm-hub') });
    expect(actions()).toEqual([]);
  });

  it('never stops, starts or exports logs of a node that is not its own', async () => {
    engine([node('c2', 'ocm-cluster1', otherCheckout)]);
    const kind = provider('ocm');
    await expect(kind.stopControlPlane('cluster1')).rejects.toMatchObject({ exitCode: 2 });
    await expect(kind.startControlPlane('cluster1')).rejects.toMatchObject({ exitCode: 2 });
    await expect(kind.exportLogs('cluster1', dir)).rejects.toMatchObject({ exitCode: 2 });
    await expect(kind.stopControlPlane('cluster2')).rejects.toThrow('kind cluster "ocm-cluster2" does not exist');
    expect((await kind.health('cluster1')).problems[0]).toContain('is not this lab\'s');
    expect(actions()).toEqual([]);
  });

  it('stops its own node by container id', async () => {
    engine([node('c1', 'ocm-hub', stateDir)]);
    await provider('ocm').stopControlPlane('hub');
    expect(actions()).toEqual([['docker', 'stop', 'c1']]);
  });

  it('delete leaves another lab\'s same-named cluster alone', async () => {
    engine([node('c2', 'ocm-cluster1', otherCheckout)]);
    await provider('ocm').delete('cluster1');
    expect(actions()).toEqual([]);
  });

  it('refuses a cluster name that is a path, before any action or file removal', async () => {
    const outside = join(dir, 'x.yaml');
    writeFileSync(outside, 'keep me');
    engine([]);
    const kind = provider('ocm');
    for (const name of ['../../../../x', '../x']) {
      await expect(kind.delete(name)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('is not a valid cluster name') });
      await expect(kind.stopControlPlane(name)).rejects.toMatchObject({ exitCode: 2 });
      await expect(kind.create({ name, role: 'managed' })).rejects.toMatchObject({ exitCode: 2 });
    }
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(calls()).toEqual([]);
  });

  it('reap deletes only its own clusters and network, and reports host settings it could not put back', async () => {
    const network = (id: string, owner: string) => ({ Id: id, Name: id, Labels: { 'io.ocm-lab.owner': owner } });
    engine(
      [node('c1', 'ocm-hub', stateDir), node('c2', 'ocm-cluster1', otherCheckout), node('c5', 'ocm-lab-hub', `${stateDir}-lab`)],
      [network('mine', stateDir), network('theirs', otherCheckout), network('prefix', `${stateDir}-lab`)],
    );
    mkdirSync(join(stateDir, 'kind'), { recursive: true });
    writeFileSync(join(stateDir, 'kind', 'host-sysctls.json'), JSON.stringify({ 'kernel/panic': '0', 'vm/overcommit_memory': '0' }));
    const host = fakeHost(true);
    expect(await provider('ocm', { sysctls: host }).reap()).toEqual([
      expect.stringMatching(/could not restore the host's kernel settings kernel\.panic=0, vm\.overcommit_memory=0 \(EACCES: .*\): run sudo sysctl -w kernel\.panic=0 vm\.overcommit_memory=0/),
    ]);
    const done = actions();
    expect(done.filter((c) => c[0] === 'kind').map((c) => c.slice(1, 5))).toEqual([['delete', 'cluster', '--name', 'ocm-hub']]);
    expect(done.filter((c) => c[0] === 'docker')).toEqual([['docker', 'network', 'rm', 'mine']]);
    // The record is gone, so the next down finishes.
    expect(await provider('ocm', { sysctls: host }).reap()).toEqual([]);
  });

  it('reap reports a garbled record and still removes what is its own', async () => {
    engine([node('c1', 'ocm-hub', stateDir)], []);
    mkdirSync(join(stateDir, 'kind'), { recursive: true });
    writeFileSync(join(stateDir, 'kind', 'host-sysctls.json'), '{"kernel/panic": "0"');
    const problems = await provider('ocm', { sysctls: fakeHost(false) }).reap();
    expect(problems).toEqual([expect.stringContaining("could not read the record of the host's kernel settings")]);
    expect(actions().map((c) => c.slice(0, 3))).toEqual([['kind', 'delete', 'cluster']]);
  });
});
