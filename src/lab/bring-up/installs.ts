import { installClusters } from '../../config/schema.js';
import { LabError } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import { applyInstall, removeInstall } from '../../install/apply-install.js';
import { InstallRecord } from '../../install/install-record.js';
import type { StepAction } from './action.js';

/**
 * The config's installs on their clusters, once OCM is ready: an install whose rendered objects are unchanged and
 * still ready is left alone, a changed one is applied again (what it no longer has is deleted), and one whose
 * entry is gone from the config is removed.
 */
export const installsAction: StepAction = {
  id: 'installs',
  title: 'Install components',
  async run(ctx) {
    const installs = ctx.installs;
    if (!installs) throw new LabError('the installs were not rendered');
    const record = new InstallRecord(ctx.state.root);
    const recorded = record.read();
    const client = (cluster: string) => ClusterClient.of(ctx.handle(cluster));
    const owner = ctx.state.root;
    // By name: the record's key order follows which install was written last.
    const removed = Object.keys(recorded).filter((name) => !installs.some((i) => i.name === name)).sort();
    for (const name of removed) {
      await Promise.all(Object.entries(recorded[name]!.clusters).map(([cluster, refs]) => removeInstall(client(cluster), refs, owner, ctx.signal)));
      record.set(name, undefined);
    }
    const outcomes = await Promise.all(
      installs.map(async (install) => {
        const entry = ctx.spec.install.find((i) => i.name === install.name)!;
        const previous = recorded[install.name];
        const targets = installClusters(ctx.spec, entry);
        const applied: Record<string, Awaited<ReturnType<typeof applyInstall>>> = {};
        await Promise.all(
          targets.map(async (cluster) => {
            applied[cluster] = await applyInstall(client(cluster), { name: install.name, objects: install.objects, namespace: install.namespace, timeoutMs: entry.timeoutSeconds * 1000, previous: previous?.clusters[cluster] ?? [] }, owner, ctx.signal);
          }),
        );
        // Clusters the install no longer goes to lose what it put there.
        for (const [cluster, refs] of Object.entries(previous?.clusters ?? {})) if (!targets.includes(cluster)) await removeInstall(client(cluster), refs, owner, ctx.signal);
        record.set(install.name, { hash: install.hash, clusters: applied });
        return `${install.name} ${previous?.hash === install.hash ? 'ready' : 'applied'} on ${targets.join(', ')}`;
      }),
    );
    const summary = [...outcomes, ...removed.map((name) => `${name} removed`)];
    return summary.length ? `Install components: ${summary.join('; ')}` : 'Install components: none';
  },
};
