// Command runc-oom runs /usr/sbin/runc after raising every negative oomScoreAdj in the OCI
// bundle's config.json (create/run) or in the --process file (exec) to 0. Containers on hosts
// without CAP_SYS_RESOURCE cannot lower an OOM score, and runc then fails every pod sandbox
// (kubelet asks -998 for them). containerd inside the kind node uses it as the runc BinaryName.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const realRunc = "/usr/sbin/runc"

func main() {
	args := os.Args[1:]
	command, bundle, process := "", "", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() string {
			if eq := strings.IndexByte(a, '='); eq >= 0 {
				return a[eq+1:]
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "--bundle" || a == "-b" || strings.HasPrefix(a, "--bundle="):
			bundle = value()
		case a == "--process" || a == "-p" || strings.HasPrefix(a, "--process="):
			process = value()
		case a == "--root" || a == "--log" || a == "--log-format" || a == "--criu" || a == "--pid-file" ||
			a == "--console-socket" || a == "--rootless":
			i++ // global or command options that take a value
		case !strings.HasPrefix(a, "-") && command == "":
			command = a
		}
	}
	switch command {
	case "create", "run":
		if bundle == "" {
			bundle, _ = os.Getwd()
		}
		if err := clamp(filepath.Join(bundle, "config.json"), true); err != nil {
			fmt.Fprintln(os.Stderr, "runc-oom:", err)
		}
	case "exec":
		if process != "" {
			if err := clamp(process, false); err != nil {
				fmt.Fprintln(os.Stderr, "runc-oom:", err)
			}
		}
	}
	argv := append([]string{"runc"}, args...)
	if err := syscall.Exec(realRunc, argv, os.Environ()); err != nil {
		fmt.Fprintln(os.Stderr, "runc-oom: exec runc:", err)
		os.Exit(127)
	}
}

// clamp rewrites the file only when it holds a negative oomScoreAdj.
func clamp(file string, bundleConfig bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	target := doc
	var process map[string]json.RawMessage
	if bundleConfig {
		raw, ok := doc["process"]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(raw, &process); err != nil {
			return err
		}
		target = process
	}
	raw, ok := target["oomScoreAdj"]
	if !ok {
		return nil
	}
	var score int
	if err := json.Unmarshal(raw, &score); err != nil || score >= 0 {
		return err
	}
	target["oomScoreAdj"] = json.RawMessage("0")
	if bundleConfig {
		encoded, err := json.Marshal(process)
		if err != nil {
			return err
		}
		doc["process"] = encoded
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, info.Mode().Perm())
}
