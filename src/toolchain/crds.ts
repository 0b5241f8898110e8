/**
 * CRD files copied into the toolchain cache by the build: what OCM's cluster-manager operator installs on a
 * hub, and the klusterlet on a managed cluster. Most come from the open-cluster-management.io/api module;
 * the ClusterProfile and ClusterProperty CRDs, which that module does not hold, from the ocm module's manifests.
 */
const API_HUB_CRD_FILES = [
  'cluster/v1/0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml',
  'cluster/v1beta2/0000_00_clusters.open-cluster-management.io_managedclustersets.crd.yaml',
  'cluster/v1beta2/0000_01_clusters.open-cluster-management.io_managedclustersetbindings.crd.yaml',
  'cluster/v1beta1/0000_02_clusters.open-cluster-management.io_placements.crd.yaml',
  'cluster/v1beta1/0000_03_clusters.open-cluster-management.io_placementdecisions.crd.yaml',
  'cluster/v1alpha1/0000_05_clusters.open-cluster-management.io_addonplacementscores.crd.yaml',
  'work/v1/0000_00_work.open-cluster-management.io_manifestworks.crd.yaml',
  'work/v1alpha1/0000_00_work.open-cluster-management.io_manifestworkreplicasets.crd.yaml',
  'addon/v1beta1/0000_00_addon.open-cluster-management.io_clustermanagementaddons.crd.yaml',
  'addon/v1beta1/0000_01_addon.open-cluster-management.io_managedclusteraddons.crd.yaml',
  'addon/v1beta1/0000_02_addon.open-cluster-management.io_addondeploymentconfigs.crd.yaml',
  'addon/v1alpha1/0000_03_addon.open-cluster-management.io_addontemplates.crd.yaml',
] as const;

const API_MANAGED_CRD_FILES = [
  'work/v1/0000_01_work.open-cluster-management.io_appliedmanifestworks.crd.yaml',
  'cluster/v1alpha1/0000_02_clusters.open-cluster-management.io_clusterclaims.crd.yaml',
] as const;

const OCM_HUB_CRD_FILES = ['manifests/cluster-manager/hub/crds/0000_00_multicluster.x-k8s.io_clusterprofiles.crd.yaml'] as const;
const OCM_MANAGED_CRD_FILES = ['manifests/klusterlet/managed/clusterproperties.crd.yaml'] as const;

export const HUB_CRD_FILES = [...API_HUB_CRD_FILES, ...OCM_HUB_CRD_FILES] as const;
export const MANAGED_CRD_FILES = [...API_MANAGED_CRD_FILES, ...OCM_MANAGED_CRD_FILES] as const;

/** Each CRD file under the module that holds it (ocm-api: open-cluster-management.io/api, ocm: open-cluster-management.io/ocm). */
export const CRD_FILES_BY_MODULE = {
  'ocm-api': [...API_HUB_CRD_FILES, ...API_MANAGED_CRD_FILES],
  ocm: [...OCM_HUB_CRD_FILES, ...OCM_MANAGED_CRD_FILES],
} as const;
