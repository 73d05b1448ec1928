// The module root only: every build names the go-1.N.mod of its Kubernetes minor with -modfile
// (see build.sh). The sources build the same at every minor.
module github.com/cdk8s-hardened/testcluster

go 1.26.0
