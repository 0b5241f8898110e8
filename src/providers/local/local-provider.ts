import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { apiServerReady, waitForApiServer } from '../../kube/api-ready.js';
import { base64File, renderKubeconfig } from '../../kube/kubeconfig.js';
import { processesMentioning, terminate } from '../../process/host-process.js';
import { freePorts } from '../../process/ports.js';
import { run } from '../../process/run.js';
import type { StateStore } from '../../lab/state.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import type { ClusterHandle, ClusterProvider, ClusterRequest } from '../provider.js';
import { kwokctlConfig, PORT_COUNT, portsFrom } from './kwokctl-config.js';

const CREATE_TIMEOUT_MS = 180_000;

export interface LocalProviderOptions {
  labName: string;
  state: StateStore;
  toolchain: Toolchain;
  fakeNodes: number;
}

/**
 * Clusters as real control planes (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * kwok) run by `kwokctl --runtime binary` from the toolchain's binaries, all on 127.0.0.1.
 * kwokctl's work dir lives inside the lab's state dir, so `down` removing the state removes everything.
 */
export class LocalProvider implements ClusterProvider {
  readonly name = 'local' as const;

  constructor(private readonly options: LocalProviderOptions) {}

  private get workdir(): string {
    return this.options.state.dir('kwok');
  }

  private clusterDir(name: string): string {
    return join(this.workdir, 'clusters', name);
  }

  private async kwokctl(args: string[], timeoutMs = CREATE_TIMEOUT_MS): Promise<string> {
    const { toolchain } = this.options;
    return run(toolchain.bin('kwokctl'), args, {
      timeoutMs,
      env: {
        KWOK_WORKDIR: this.workdir,
        // kwokctl prefers the kubectl on PATH: make that ours.
        PATH: `${join(toolchain.dir, 'bin')}:${process.env.PATH ?? ''}`,
      },
    });
  }

  async create(request: ClusterRequest): Promise<ClusterHandle> {
    const { name } = request;
    const dir = this.clusterDir(name);
    if (!existsSync(join(dir, 'kwok.yaml'))) {
      await this.createFresh(name);
    } else if (!(await this.answers(name))) {
      await this.kwokctl(['start', 'cluster', '--name', name, '--wait', '2m']);
    }
    this.tightenSecrets(name);
    const handle = this.writeKubeconfig(request);
    await waitForApiServer(name, handle.kubeconfig, CREATE_TIMEOUT_MS);
    await this.kwokctl(['scale', 'node', '--name', name, '--replicas', String(this.options.fakeNodes)], 60_000);
    return handle;
  }

  private async createFresh(name: string): Promise<void> {
    const { toolchain, state } = this.options;
    const dir = this.clusterDir(name);
    // A previous attempt may have died half-way: start from nothing.
    await this.reap(dir);
    rmSync(dir, { recursive: true, force: true });
    const configFile = join(state.dir('kwok', 'configs'), `${name}.yaml`);
    state.writePrivate(
      configFile,
      kwokctlConfig({
        binaries: {
          kubeApiserver: toolchain.bin('kube-apiserver'),
          kubeControllerManager: toolchain.bin('kube-controller-manager'),
          kubeScheduler: toolchain.bin('kube-scheduler'),
          kubectl: toolchain.bin('kubectl'),
          etcd: toolchain.bin('etcd'),
          kwok: toolchain.bin('kwok'),
        },
        kubeVersion: toolchain.versions.kubernetes,
        etcdVersion: toolchain.versions.etcd,
        pkiDir: join(dir, 'pki'),
        ports: portsFrom(await freePorts(PORT_COUNT)),
      }),
    );
    // --kubeconfig "" keeps kwokctl away from ~/.kube/config; readiness is checked by us afterwards.
    await this.kwokctl(['create', 'cluster', '--name', name, '--runtime', 'binary', '--config', configFile, '--kubeconfig', '', '--wait', '2m']);
  }

  /** kwokctl writes its keys and kubeconfig 0644; secrets in the state dir are 0600. */
  private tightenSecrets(name: string): void {
    const dir = this.clusterDir(name);
    const pki = join(dir, 'pki');
    const files = [join(dir, 'kubeconfig.yaml'), ...(existsSync(pki) ? readdirSync(pki).map((f) => join(pki, f)) : [])];
    for (const file of files) if (existsSync(file)) chmodSync(file, 0o600);
  }

  /** Our kubeconfig for the cluster: 0600, every credential embedded, context "<lab>-<cluster>". */
  private writeKubeconfig(request: ClusterRequest): ClusterHandle {
    const { state, labName } = this.options;
    const dir = this.clusterDir(request.name);
    const kwokKubeconfig = parse(readFileSync(join(dir, 'kubeconfig.yaml'), 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    const server = kwokKubeconfig.clusters[0]!.cluster.server;
    const kubeconfig = state.kubeconfigPath(request.name);
    state.writePrivate(
      kubeconfig,
      renderKubeconfig({
        name: `${labName}-${request.name}`,
        server,
        certificateAuthorityData: base64File(join(dir, 'pki', 'ca.crt')),
        credentials: { clientCertificateData: base64File(join(dir, 'pki', 'admin.crt')), clientKeyData: base64File(join(dir, 'pki', 'admin.key')) },
      }),
    );
    return { name: request.name, role: request.role, kubeconfig, server, serverFromClusters: server };
  }

  private async answers(name: string): Promise<boolean> {
    const kubeconfig = join(this.options.state.root, 'kubeconfigs', `${name}.yaml`);
    return existsSync(kubeconfig) && (await apiServerReady(kubeconfig));
  }

  async isRunning(name: string): Promise<boolean> {
    return existsSync(join(this.clusterDir(name), 'kwok.yaml')) && (await this.answers(name));
  }

  async stop(name: string): Promise<void> {
    await this.kwokctl(['stop', 'cluster', '--name', name], 60_000);
  }

  async start(name: string): Promise<void> {
    await this.kwokctl(['start', 'cluster', '--name', name, '--wait', '2m']);
    await waitForApiServer(name, this.options.state.kubeconfigPath(name), CREATE_TIMEOUT_MS);
  }

  async delete(name: string): Promise<void> {
    const dir = this.clusterDir(name);
    if (existsSync(join(dir, 'kwok.yaml'))) {
      // An empty --kubeconfig is refused by delete; a path that does not exist means "touch no kubeconfig".
      await this.kwokctl(['delete', 'cluster', '--name', name, '--kubeconfig', join(dir, 'no-such-kubeconfig')], 60_000).catch(() => undefined);
    }
    await this.reap(dir);
    rmSync(dir, { recursive: true, force: true });
    rmSync(this.options.state.kubeconfigPath(name), { force: true });
  }

  /** Kills any process still running from this cluster's dir (after a crash kwokctl may not know them). */
  private async reap(dir: string): Promise<void> {
    const left = processesMentioning(dir).map((p) => p.pid);
    if (left.length) await terminate(left, 3000);
  }

  async list(): Promise<string[]> {
    const clusters = join(this.workdir, 'clusters');
    return existsSync(clusters) ? readdirSync(clusters) : [];
  }
}
