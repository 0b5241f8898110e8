//go:build !ocm_no_addon_webhooks

// The add-on webhooks (and the v1alpha1/v1beta1 conversion) that OCM v1.2.0's hub serves; a release
// without them (v1.0.0) is built with -tags ocm_no_addon_webhooks.
package main

import (
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	addonwebhookv1alpha1 "open-cluster-management.io/ocm/pkg/addon/webhook/v1alpha1"
	addonwebhookv1beta1 "open-cluster-management.io/ocm/pkg/addon/webhook/v1beta1"
)

func init() {
	extraComponents["addon"] = component{
		schemes: []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, addonwebhookv1alpha1.Install, addonwebhookv1beta1.Install},
		handlers: func() []initializer {
			return []initializer{
				&addonwebhookv1alpha1.ManagedClusterAddOnWebhook{}, &addonwebhookv1beta1.ManagedClusterAddOnWebhook{},
				&addonwebhookv1alpha1.ClusterManagementAddOnWebhook{}, &addonwebhookv1beta1.ClusterManagementAddOnWebhook{},
			}
		},
	}
}
