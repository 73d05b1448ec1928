#!/usr/bin/env bash
# Builds the test cluster's binaries, cached:
#   cluster/build.sh 1.N         .cluster/bin/1.N/testcluster: kube-apiserver, kube-controller-manager
#                                and etcd of Kubernetes 1.N, from go-1.N.mod (the upstream
#                                k8s.io/kubernetes module, its staging modules at the matching served
#                                versions) and the sources here
#   cluster/build.sh gatekeeper  .cluster/bin/gatekeeper/{constraint-crds,gator}: Gatekeeper's own
#                                code, from gatekeeper/go.mod
# When the module files, the sources and the Go version are those of the last build, nothing
# runs; otherwise Go's build cache makes a rebuild of unchanged packages cheap. Prints one line
# when it built.
set -euo pipefail
cd "$(dirname "$0")"
target="${1:?usage: cluster/build.sh 1.N|gatekeeper}"
command -v go >/dev/null || { echo "cluster/build.sh: go is not on PATH (Go 1.26 or later builds the test cluster)" >&2; exit 2; }
out="../.cluster/bin/$target"
start=$SECONDS
export GOFLAGS=-mod=readonly
if [ "$target" = gatekeeper ]; then
  stamp="$(cat gatekeeper/go.mod gatekeeper/go.sum gatekeeper/*.go gatekeeper/constraint-crds/*.go | sha256sum | cut -d' ' -f1) $(go env GOVERSION)"
  if [ -x "$out/gator" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi
  mkdir -p "$out"
  (cd gatekeeper && go build -trimpath -ldflags=-s -o "../$out/constraint-crds" ./constraint-crds \
    && go build -trimpath -ldflags=-s -o "../$out/gator" github.com/open-policy-agent/gatekeeper/v3/cmd/gator)
  echo "$stamp" > "$out/stamp"
  echo "built Gatekeeper v3.23.1's constraint-crds and gator in $((SECONDS - start)) s"
  exit 0
fi
[ -f "go-$target.mod" ] || { echo "cluster/build.sh: no go-$target.mod: the test cluster is built for $(ls go-1.*.mod | sed 's/go-\(.*\)\.mod/\1/' | tr '\n' ' ')" >&2; exit 2; }
stamp="$(cat "go-$target.mod" "go-$target.sum" go.mod ./*.go | sha256sum | cut -d' ' -f1) $(go env GOVERSION)"
if [ -x "$out/testcluster" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi
mkdir -p "$out"
go build -modfile="go-$target.mod" -trimpath -ldflags=-s -o "$out/testcluster.tmp" .
mv "$out/testcluster.tmp" "$out/testcluster"
echo "$stamp" > "$out/stamp"
echo "built the test cluster for Kubernetes $target ($("$out/testcluster" version | tr '\n' ' ')) in $((SECONDS - start)) s"
