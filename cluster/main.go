// Command testcluster is one binary holding the real Kubernetes control plane the project's
// tests apply their output to: the upstream kube-apiserver and kube-controller-manager commands,
// built from the k8s.io/kubernetes module, and an embedded etcd server. Each runs as its own
// process, chosen by the first argument; cluster/cluster.js starts and stops them.
package main

import (
	"fmt"
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

const usage = "usage: testcluster apiserver|controller-manager|etcd|keys|version [flags]"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "apiserver":
		command := apiserver.NewAPIServerCommand()
		command.SetArgs(args)
		os.Exit(cli.Run(command))
	case "controller-manager":
		command := controllermanager.NewControllerManagerCommand()
		command.SetArgs(args)
		os.Exit(cli.Run(command))
	case "etcd":
		os.Exit(runEtcd(args))
	case "keys":
		os.Exit(writeKeys(args))
	case "version":
		os.Exit(printVersion())
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
}
