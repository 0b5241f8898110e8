//go:build tools

// Package tools pins the Kubernetes control-plane commands this module builds.
// k8s.io/kubernetes cannot be `go install`ed because of its replace directives;
// the generated go.mod beside this file replaces every staging module instead.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
