/** CRD files from the open-cluster-management.io/api module, copied into the toolchain cache by the build. */
export const HUB_CRD_FILES = [
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

export const MANAGED_CRD_FILES = [
  'work/v1/0000_01_work.open-cluster-management.io_appliedmanifestworks.crd.yaml',
  'cluster/v1alpha1/0000_02_clusters.open-cluster-management.io_clusterclaims.crd.yaml',
] as const;

export const CRD_FILES = [...HUB_CRD_FILES, ...MANAGED_CRD_FILES] as const;
