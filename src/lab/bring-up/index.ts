import type { BringUpAction } from './action.js';
import { acceptAction } from './accept.js';
import { checkAction } from './check.js';
import { createClustersAction } from './create-clusters.js';
import { installHubAction } from './install-hub.js';
import { installsAction } from './installs.js';
import { renderInstallsAction } from './render-installs.js';
import { joinAction } from './join.js';
import { kubeconfigsAction } from './kubeconfigs.js';
import { labelsAction } from './labels.js';
import { providerAction } from './provider.js';
import { toolchainAction } from './toolchain.js';
import { verifyClustersAction } from './verify-clusters.js';
import { verifyComponentsAction } from './verify-components.js';

/**
 * `./lab up`, in order. Every action is idempotent, so running `up` again completes a half-made lab, repairs a
 * broken one and leaves a healthy one alone. Overlap is declared by `after`: the hub installs while managed
 * clusters are still created, and each cluster joins as soon as it exists and the hub's install is done.
 */
export const BRING_UP: readonly BringUpAction[] = [
  toolchainAction,
  renderInstallsAction,
  providerAction,
  checkAction,
  createClustersAction,
  installHubAction,
  joinAction,
  acceptAction,
  labelsAction,
  verifyClustersAction,
  verifyComponentsAction,
  installsAction,
  kubeconfigsAction,
];
