import { ApiException, KubeConfig, KubernetesObjectApi, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { errorMessage, KubeApiError, LabError, TimeoutError } from '../errors.js';
import { rawRequest } from './raw-request.js';

export const FIELD_MANAGER = 'ocm-lab';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export type NamedRef = ObjectRef & { name: string };

/** Adds discovery (kind → REST path) to the generic object client. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return !!(await this.resource(apiVersion, kind))?.namespaced;
  }

  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = await this.resource(apiVersion, kind).catch(() => undefined);
    if (!resource) throw new LabError(`the API server does not serve ${kind} in ${apiVersion}`, { hint: 'check apiVersion and kind (is the CRD installed?)' });
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return resource.namespaced && namespace ? `${prefix}/namespaces/${namespace}/${resource.name}` : `${prefix}/${resource.name}`;
  }
}

export function isNotFound(error: unknown): boolean {
  return (error instanceof ApiException || error instanceof KubeApiError) && error.code === 404;
}

interface ObjectList<T> {
  metadata?: { resourceVersion?: string };
  items: T[];
}

/** One cluster's API, through its admin kubeconfig. */
export class ClusterClient {
  readonly kubeConfig: KubeConfig;
  private readonly objects: DiscoveringObjectApi;

  constructor(
    readonly cluster: string,
    readonly kubeconfigPath: string,
  ) {
    this.kubeConfig = new KubeConfig();
    this.kubeConfig.loadFromFile(kubeconfigPath);
    this.objects = this.kubeConfig.makeApiClient(DiscoveringObjectApi);
  }

  /**
   * Server-side apply: creates the object or merges the given fields into it. The object is sent
   * as is: client-node's typed serializer would drop fields it models under other names
   * (e.g. `x-kubernetes-int-or-string` in CRD schemas).
   */
  async apply<T extends KubernetesObject>(object: T, fieldManager = FIELD_MANAGER): Promise<T> {
    const { apiVersion, kind, metadata } = object;
    if (!apiVersion || !kind || !metadata?.name) throw new LabError(`cannot apply an object without apiVersion, kind and metadata.name`);
    // Like kubectl: a namespaced object without a namespace goes to "default".
    const namespace = metadata.namespace ?? (await this.defaultNamespaceFor({ apiVersion, kind }));
    const body = namespace === metadata.namespace ? object : { ...object, metadata: { ...metadata, namespace } };
    const path = `${await this.objectPath({ apiVersion, kind, namespace, name: metadata.name })}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
    return (await this.request('PATCH', path, JSON.stringify(body), 'application/apply-patch+yaml')) as T;
  }

  /** "default" for a namespaced kind (as kubectl does), undefined for a cluster-scoped one. */
  async defaultNamespaceFor(ref: ObjectRef): Promise<string | undefined> {
    return (await this.objects.isNamespaced(ref.apiVersion, ref.kind)) ? 'default' : undefined;
  }

  /** JSON merge patch (RFC 7386): a null value removes the field, e.g. a label. */
  async mergePatch(ref: NamedRef, patch: object): Promise<unknown> {
    return this.request('PATCH', await this.objectPath(ref), JSON.stringify(patch), 'application/merge-patch+json');
  }

  /**
   * Every request goes through here, so objects are always what the server sent (the same JSON a
   * watch delivers): client-node's typed reads would turn timestamps into Dates and rename fields.
   */
  private async request(method: string, path: string, body?: string, contentType?: string): Promise<unknown> {
    const response = await rawRequest(this.kubeConfig, method, path, { body, contentType, timeoutMs: 60_000 });
    let parsed: { message?: string } | undefined;
    try {
      parsed = response.body ? (JSON.parse(response.body) as { message?: string }) : undefined;
    } catch {
      parsed = { message: response.body.trim().slice(0, 200) };
    }
    if (response.status >= 300) throw new KubeApiError(response.status, parsed?.message ?? `${method} ${path.split('?')[0]}`, this.cluster);
    return parsed;
  }

  private async objectPath(ref: NamedRef): Promise<string> {
    return `${await this.objects.collectionPath(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  }

  async read<T extends KubernetesObject>(ref: NamedRef): Promise<T | undefined> {
    try {
      return (await this.request('GET', await this.objectPath(ref))) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async listWithVersion<T extends KubernetesObject>(ref: ObjectRef, selectors: { label?: string; field?: string }): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (selectors.label) query.set('labelSelector', selectors.label);
    if (selectors.field) query.set('fieldSelector', selectors.field);
    const path = `${await this.objects.collectionPath(ref.apiVersion, ref.kind, ref.namespace)}${query.size ? `?${query}` : ''}`;
    const list = (await this.request('GET', path)) as ObjectList<T>;
    // List items carry no apiVersion/kind; matchers and messages want them.
    return { ...list, items: (list.items ?? []).map((item) => ({ apiVersion: ref.apiVersion, kind: ref.kind, ...item })) };
  }

  async list<T extends KubernetesObject>(ref: ObjectRef, labelSelector?: string): Promise<T[]> {
    return (await this.listWithVersion<T>(ref, { label: labelSelector })).items;
  }

  async delete(ref: NamedRef): Promise<boolean> {
    try {
      await this.request('DELETE', await this.objectPath(ref));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Lists the objects of `ref` and then watches them until `check` returns a value.
   * `check` sees the current set of objects each time it changes. The watch is re-opened
   * (after a fresh list) when the server closes it; a short retry absorbs a restarting API server.
   */
  async waitFor<T extends KubernetesObject, R>(
    ref: ObjectRef,
    check: (objects: T[]) => R | undefined,
    options: { timeoutMs: number; description: string; labelSelector?: string },
  ): Promise<R> {
    const deadline = Date.now() + options.timeoutMs;
    const watch = new Watch(this.kubeConfig);
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const result = await this.watchOnce(watch, ref, check, deadline, options.labelSelector);
        if (result.done) return result.value as R;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
      }
    }
    const cause = lastError ? ` (last error: ${errorMessage(lastError)})` : '';
    throw new TimeoutError(`timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${options.description} on ${this.cluster}${cause}`);
  }

  private async watchOnce<T extends KubernetesObject, R>(
    watch: Watch,
    ref: ObjectRef,
    check: (objects: T[]) => R | undefined,
    deadline: number,
    labelSelector?: string,
  ): Promise<{ done: boolean; value?: R }> {
    const list = await this.listWithVersion<T>(ref, { label: labelSelector, field: ref.name ? `metadata.name=${ref.name}` : undefined });
    const byKey = new Map<string, T>();
    const key = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    for (const item of list.items) byKey.set(key(item), item);
    const first = check([...byKey.values()]);
    if (first !== undefined) return { done: true, value: first };

    const path = await this.objects.collectionPath(ref.apiVersion, ref.kind, ref.namespace);
    return new Promise((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller?.abort();
        outcome();
      };
      const timer = setTimeout(() => finish(() => resolve({ done: false })), Math.max(0, deadline - Date.now()));
      const query: Record<string, string | number | boolean> = {
        allowWatchBookmarks: true,
        resourceVersion: list.metadata?.resourceVersion ?? '',
        timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
      };
      if (ref.name) query.fieldSelector = `metadata.name=${ref.name}`;
      if (labelSelector) query.labelSelector = labelSelector;
      watch
        .watch(
          path,
          query,
          (phase, object: T) => {
            if (phase === 'BOOKMARK') return;
            if (phase === 'ERROR') return finish(() => reject(new LabError(`watch error: ${JSON.stringify(object)}`)));
            if (phase === 'DELETED') byKey.delete(key(object));
            else byKey.set(key(object), { apiVersion: ref.apiVersion, kind: ref.kind, ...object });
            try {
              const value = check([...byKey.values()]);
              if (value !== undefined) finish(() => resolve({ done: true, value }));
            } catch (error) {
              finish(() => reject(error));
            }
          },
          (error) => finish(() => (error && (error as Error).name !== 'AbortError' ? reject(error) : resolve({ done: false }))),
        )
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch((error) => finish(() => reject(error)));
    });
  }
}
