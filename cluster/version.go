package main

import (
	"fmt"
	"runtime/debug"
)

// printVersion prints the k8s.io/kubernetes and etcd module versions this binary was built from.
func printVersion() int {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return 1
	}
	for _, dep := range info.Deps {
		if dep.Path == "k8s.io/kubernetes" || dep.Path == "go.etcd.io/etcd/server/v3" {
			fmt.Printf("%s %s\n", dep.Path, dep.Version)
		}
	}
	return 0
}
