// Command ocm-webhook-server serves one of OCM's hub admission webhooks (registration, work or addon) from
// the pinned open-cluster-management.io/ocm module's own handlers, as a host process of a local lab.
//
// OCM's `<component> webhook-server` commands always bind their health probe to :8000 and their metrics to
// :8080 on every interface, so only one of them can run per host, and none on loopback alone. This command
// serves the same handlers on the one address it is given, /healthz and /readyz included (over the same TLS
// as the webhooks, so a probe proves the webhooks can be reached), with metrics off.
//
// Usage: ocm-webhook-server registration|work|addon --kubeconfig=K --listen=127.0.0.1:P
//
//	--cert-dir=D (tls.crt, tls.key) [--feature-gates=...] [--manifest-limit=N]
package main

import (
	"crypto/tls"
	goflag "flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	clusterv1 "open-cluster-management.io/api/cluster/v1"
	ocmfeature "open-cluster-management.io/api/feature"
	workv1 "open-cluster-management.io/api/work/v1"
	workv1alpha1 "open-cluster-management.io/api/work/v1alpha1"
	"open-cluster-management.io/ocm/pkg/features"
	registrationwebhookv1 "open-cluster-management.io/ocm/pkg/registration/webhook/v1"
	registrationwebhookv1beta2 "open-cluster-management.io/ocm/pkg/registration/webhook/v1beta2"
	workwebhookcommon "open-cluster-management.io/ocm/pkg/work/webhook/common"
	workwebhookv1 "open-cluster-management.io/ocm/pkg/work/webhook/v1"
	workwebhookv1alpha1 "open-cluster-management.io/ocm/pkg/work/webhook/v1alpha1"
)

type initializer interface {
	Init(mgr ctrl.Manager) error
}

// component is what one of OCM's webhook servers installs: its API types and its handlers.
type component struct {
	schemes  []func(*runtime.Scheme) error
	handlers func() []initializer
}

// extraComponents are the servers only some OCM releases have (addon.go: the add-on webhooks, which v1.2.0 has and v1.0.0 does not).
var extraComponents = map[string]component{}

func components(manifestLimit *int) map[string]component {
	all := map[string]component{
		"registration": {
			schemes: []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, clusterv1.Install, registrationwebhookv1beta2.Install},
			handlers: func() []initializer {
				return []initializer{&registrationwebhookv1.ManagedClusterWebhook{}, &registrationwebhookv1beta2.ManagedClusterSetBindingWebhook{}}
			},
		},
		"work": {
			schemes: []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, workv1.Install, workv1alpha1.Install},
			handlers: func() []initializer {
				workwebhookcommon.ManifestValidator.WithLimit(*manifestLimit)
				handlers := []initializer{&workwebhookv1.ManifestWorkWebhook{}}
				if features.HubMutableFeatureGate.Enabled(ocmfeature.ManifestWorkReplicaSet) {
					handlers = append(handlers, &workwebhookv1alpha1.ManifestWorkReplicaSetWebhook{})
				}
				return handlers
			},
		},
	}
	for name, c := range extraComponents {
		all[name] = c
	}
	return all
}

func names(all map[string]component) []string {
	list := make([]string, 0, len(all))
	for name := range all {
		list = append(list, name)
	}
	sort.Strings(list)
	return list
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "ocm-webhook-server: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	flags := pflag.NewFlagSet("ocm-webhook-server", pflag.ContinueOnError)
	flags.AddGoFlagSet(goflag.CommandLine) // --kubeconfig, from controller-runtime's config package
	listen := flags.String("listen", "127.0.0.1:9443", "host:port the webhooks, /healthz and /readyz are served at")
	certDir := flags.String("cert-dir", "", "directory holding tls.crt and tls.key")
	manifestLimit := flags.Int("manifest-limit", 500*1024, "work: the largest total size of a ManifestWork's manifests, in bytes")
	if err := features.HubMutableFeatureGate.Add(ocmfeature.DefaultHubRegistrationFeatureGates); err != nil {
		return err
	}
	if err := features.HubMutableFeatureGate.Add(ocmfeature.DefaultHubWorkFeatureGates); err != nil {
		return err
	}
	features.HubMutableFeatureGate.AddFlag(flags)
	if len(os.Args) < 2 {
		return fmt.Errorf("usage: ocm-webhook-server registration|work|addon [flags]")
	}
	name := os.Args[1]
	selected, ok := components(manifestLimit)[name]
	if !ok {
		return fmt.Errorf("unknown webhook server %q: this OCM release has %s", name, strings.Join(names(components(manifestLimit)), ", "))
	}
	if err := flags.Parse(os.Args[2:]); err != nil {
		return err
	}
	if *certDir == "" {
		return fmt.Errorf("--cert-dir is required")
	}
	host, portText, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("--listen: bad port %q", portText)
	}

	logger := klog.NewKlogr().WithName(name + "-webhook")
	ctrl.SetLogger(logger)
	scheme := runtime.NewScheme()
	for _, install := range selected.schemes {
		if err := install(scheme); err != nil {
			return err
		}
	}
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                 scheme,
		HealthProbeBindAddress: "0",
		Metrics:                metricsserver.Options{BindAddress: "0"},
		WebhookServer: webhook.NewServer(webhook.Options{
			Host:    host,
			Port:    port,
			CertDir: *certDir,
			TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
		}),
	})
	if err != nil {
		return fmt.Errorf("unable to create the manager: %w", err)
	}
	ping := &healthz.Handler{Checks: map[string]healthz.Checker{"ping": healthz.Ping}}
	for _, path := range []string{"/healthz", "/readyz"} {
		mgr.GetWebhookServer().Register(path, http.StripPrefix(path, ping))
	}
	for _, handler := range selected.handlers() {
		if err := handler.Init(mgr); err != nil {
			return fmt.Errorf("unable to set up a webhook: %w", err)
		}
	}
	return mgr.Start(ctrl.SetupSignalHandler())
}
