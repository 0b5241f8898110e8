//go:build tools

// Package tools pins the Kubernetes node commands the kind node image needs.
// The generated go.mod beside this file replaces every staging module with its published version.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
