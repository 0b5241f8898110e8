import { KubeConfig, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { loadKubeconfig } from './load-kubeconfig.js';
import { errorMessage, KubeApiError, LabError, TimeoutError } from '../errors.js';
import { CancelledError, sleep, throwIfAborted } from '../process/abort.js';
import { rawRequest } from './raw-request.js';

export const FIELD_MANAGER = 'ocm-lab';
const REQUEST_TIMEOUT_MS = 60_000;
const DISCOVERY_TIMEOUT_MS = 15_000;
const MAX_TOO_MANY_REQUESTS_RETRIES = 10;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export type NamedRef = ObjectRef & { name: string };

/** The reference of a whole object (it has apiVersion, kind and metadata.name). */
export function namedRefOf(object: KubernetesObject): NamedRef {
  return { apiVersion: object.apiVersion!, kind: object.kind!, name: object.metadata!.name!, ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}) };
}

/** The API server does not serve this kind: no wait will change that. */
export class NotServedError extends LabError {}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 404;
}

/** Errors that no retry fixes: bad requests, missing rights, unknown kinds. They end a wait at once. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof NotServedError || error instanceof CancelledError) return true;
  return error instanceof KubeApiError && [400, 401, 403, 405, 406, 415, 422].includes(error.code);
}

interface ObjectList<T> {
  metadata?: { resourceVersion?: string };
  items: T[];
}

export interface WaitOptions {
  timeoutMs: number;
  description: string;
  labelSelector?: string;
  signal?: AbortSignal;
}

/** One cluster's API, through its admin kubeconfig. Every call takes an optional signal that cancels it. */
export class ClusterClient {
  readonly kubeConfig: KubeConfig;
  private readonly resources = new Map<string, ApiResource[]>();

  constructor(
    readonly cluster: string,
    readonly kubeconfigPath: string,
    readonly context?: string,
  ) {
    this.kubeConfig = loadKubeconfig(kubeconfigPath, context);
  }

  /** A client for a cluster handle (its kubeconfig, and its context when it names one). */
  static of(handle: { name: string; kubeconfig: string; context?: string }): ClusterClient {
    return new ClusterClient(handle.name, handle.kubeconfig, handle.context);
  }

  /**
   * Server-side apply: creates the object or merges the given fields into it. The object is sent
   * as is: client-node's typed serializer would drop fields it models under other names
   * (e.g. `x-kubernetes-int-or-string` in CRD schemas).
   */
  async apply<T extends KubernetesObject>(object: T, options: { fieldManager?: string; signal?: AbortSignal } = {}): Promise<T> {
    const { apiVersion, kind, metadata } = object;
    if (!apiVersion || !kind || !metadata?.name) throw new LabError(`cannot apply an object without apiVersion, kind and metadata.name`);
    // Like kubectl: a namespaced object without a namespace goes to "default".
    const namespace = metadata.namespace ?? (await this.defaultNamespaceFor({ apiVersion, kind }, options.signal));
    const body = namespace === metadata.namespace ? object : { ...object, metadata: { ...metadata, namespace } };
    const manager = encodeURIComponent(options.fieldManager ?? FIELD_MANAGER);
    const path = `${await this.objectPath({ apiVersion, kind, namespace, name: metadata.name }, options.signal)}?fieldManager=${manager}&force=true`;
    return (await this.request('PATCH', path, { body: JSON.stringify(body), contentType: 'application/apply-patch+yaml', signal: options.signal })) as T;
  }

  /** `fallback` ("default", as kubectl does) for a namespaced kind, undefined for a cluster-scoped one. */
  async defaultNamespaceFor(ref: ObjectRef, signal?: AbortSignal, fallback = 'default'): Promise<string | undefined> {
    return (await this.resource(ref.apiVersion, ref.kind, signal)).namespaced ? fallback : undefined;
  }

  /**
   * POST to the kind's collection: for kinds that are only ever created, such as reviews (SelfSubjectAccessReview);
   * with `dryRun`, what the API server would store after admission, storing nothing.
   */
  async create<T extends KubernetesObject>(object: KubernetesObject, signal?: AbortSignal, options: { dryRun?: boolean } = {}): Promise<T> {
    const path = await this.collectionPath({ apiVersion: object.apiVersion!, kind: object.kind!, namespace: object.metadata?.namespace }, signal);
    return (await this.request('POST', options.dryRun ? `${path}?dryRun=All` : path, { body: JSON.stringify(object), signal })) as T;
  }

  /** JSON merge patch (RFC 7386): a null value removes the field, e.g. a label. */
  async mergePatch(ref: NamedRef, patch: object, signal?: AbortSignal): Promise<unknown> {
    return this.request('PATCH', await this.objectPath(ref, signal), { body: JSON.stringify(patch), contentType: 'application/merge-patch+json', signal });
  }

  /** PUT of a whole object to one of its subresources: a CSR's `approval`, say, which no patch reaches. */
  async replaceSubresource<T extends KubernetesObject>(object: T, subresource: string, signal?: AbortSignal): Promise<T> {
    const path = `${await this.objectPath(namedRefOf(object), signal)}/${subresource}`;
    return (await this.request('PUT', path, { body: JSON.stringify(object), signal })) as T;
  }

  /**
   * Every request goes through here, so objects are always what the server sent (the same JSON a
   * watch delivers): client-node's typed reads would turn timestamps into Dates and rename fields.
   */
  private async request(method: string, path: string, options: { body?: string; contentType?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
    let response;
    // 429 asks the client to come back (an API server re-initialising a resource's storage after a CRD change, say),
    // and client-go does, after Retry-After.
    for (let attempt = 1; ; attempt++) {
      try {
        response = await rawRequest(this.kubeConfig, method, path, { ...options, timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS });
      } catch (error) {
        throwIfAborted(options.signal);
        throw error;
      }
      if (response.status !== 429 || attempt >= MAX_TOO_MANY_REQUESTS_RETRIES) break;
      const seconds = Number(response.retryAfter);
      await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 1000, options.signal);
    }
    let parsed: { message?: string } | undefined;
    try {
      parsed = response.body ? (JSON.parse(response.body) as { message?: string }) : undefined;
    } catch {
      parsed = { message: response.body.trim().slice(0, 200) };
    }
    if (response.status >= 300) throw new KubeApiError(response.status, parsed?.message ?? `${method} ${path.split('?')[0]}`, this.cluster);
    return parsed;
  }

  /** Discovery of one group/version, bounded in time; a kind not found is looked up once more before it counts as not served. */
  private async resource(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResource> {
    for (const fresh of [false, true]) {
      if (fresh || !this.resources.has(apiVersion)) {
        const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        try {
          const list = (await this.request('GET', path, { signal, timeoutMs: DISCOVERY_TIMEOUT_MS })) as { resources?: ApiResource[] };
          this.resources.set(apiVersion, (list.resources ?? []).filter((r) => !r.name.includes('/')));
        } catch (error) {
          if (!isNotFound(error)) throw error;
          this.resources.set(apiVersion, []);
        }
      }
      const found = this.resources.get(apiVersion)!.find((r) => r.kind === kind);
      if (found) return found;
    }
    throw new NotServedError(`${this.cluster}: the API server does not serve ${kind} in ${apiVersion}`, { hint: 'check apiVersion and kind (is the CRD installed?)' });
  }

  /** Whether discovery (asked afresh) lists the kind: what clients such as clusteradm check before they act. */
  async serves(apiVersion: string, kind: string, signal?: AbortSignal): Promise<boolean> {
    this.resources.delete(apiVersion);
    try {
      await this.resource(apiVersion, kind, signal);
      return true;
    } catch (error) {
      if (error instanceof NotServedError) return false;
      throw error;
    }
  }

  private async collectionPath(ref: ObjectRef, signal?: AbortSignal): Promise<string> {
    const resource = await this.resource(ref.apiVersion, ref.kind, signal);
    const prefix = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    return resource.namespaced && ref.namespace ? `${prefix}/namespaces/${ref.namespace}/${resource.name}` : `${prefix}/${resource.name}`;
  }

  private async objectPath(ref: NamedRef, signal?: AbortSignal): Promise<string> {
    return `${await this.collectionPath(ref, signal)}/${encodeURIComponent(ref.name)}`;
  }

  async read<T extends KubernetesObject>(ref: NamedRef, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return (await this.request('GET', await this.objectPath(ref, signal), { signal })) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async listWithVersion<T extends KubernetesObject>(
    ref: ObjectRef,
    selectors: { label?: string; field?: string },
    signal?: AbortSignal,
  ): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (selectors.label) query.set('labelSelector', selectors.label);
    if (selectors.field) query.set('fieldSelector', selectors.field);
    const path = `${await this.collectionPath(ref, signal)}${query.size ? `?${query}` : ''}`;
    const list = (await this.request('GET', path, { signal })) as ObjectList<T>;
    // List items carry no apiVersion/kind; matchers and messages want them.
    return { ...list, items: (list.items ?? []).map((item) => ({ apiVersion: ref.apiVersion, kind: ref.kind, ...item })) };
  }

  async list<T extends KubernetesObject>(ref: ObjectRef, labelSelector?: string, signal?: AbortSignal): Promise<T[]> {
    return (await this.listWithVersion<T>(ref, { label: labelSelector }, signal)).items;
  }

  async delete(ref: NamedRef, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.request('DELETE', await this.objectPath(ref, signal), { signal });
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
   * A permanent error (403, a kind not served, ...) or the signal ends the wait at once.
   */
  async waitFor<T extends KubernetesObject, R>(ref: ObjectRef, check: (objects: T[]) => R | undefined, options: WaitOptions): Promise<R> {
    const deadline = Date.now() + options.timeoutMs;
    const watch = new Watch(this.kubeConfig);
    let lastError: unknown;
    while (Date.now() < deadline) {
      throwIfAborted(options.signal);
      try {
        const result = await this.watchOnce(watch, ref, check, deadline, options);
        if (result.done) return result.value as R;
      } catch (error) {
        if (isPermanent(error)) throw error;
        lastError = error;
        await sleep(Math.min(1000, Math.max(0, deadline - Date.now())), options.signal);
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
    options: WaitOptions,
  ): Promise<{ done: boolean; value?: R }> {
    const { labelSelector, signal } = options;
    const list = await this.listWithVersion<T>(ref, { label: labelSelector, field: ref.name ? `metadata.name=${ref.name}` : undefined }, signal);
    const byKey = new Map<string, T>();
    const key = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    for (const item of list.items) byKey.set(key(item), item);
    const first = check([...byKey.values()]);
    if (first !== undefined) return { done: true, value: first };

    const path = await this.collectionPath(ref, signal);
    return new Promise((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const onAbort = () => finish(() => reject(new CancelledError(signal?.reason)));
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        controller?.abort();
        outcome();
      };
      const timer = setTimeout(() => finish(() => resolve({ done: false })), Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) return onAbort();
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
