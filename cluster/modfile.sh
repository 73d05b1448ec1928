#!/usr/bin/env bash
# Writes go-1.N.mod and go-1.N.sum for one Kubernetes minor: the upstream k8s.io/kubernetes
# module at the given patch, with each staging module it replaces by a path into its own tree
# replaced here by the staging module of the matching served version (v1.N.P -> v0.N.P).
# usage: cluster/modfile.sh 1.36.3
set -euo pipefail
cd "$(dirname "$0")"
version="$1"
minor="${version%.*}"
staging="v0.${version#1.}"
mod="go-$minor.mod"
upstream="$(go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
cat > "$mod" <<MOD
module github.com/cdk8s-hardened/testcluster

go 1.26.0

require k8s.io/kubernetes v$version
MOD
for module in $(sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$upstream"); do
  case "$module" in k8s.io/sample-*) continue ;; esac # examples; not built, not all served
  go mod edit -modfile="$mod" -replace="$module=$module@$staging"
done
rm -f "go-$minor.sum"
GOFLAGS=-mod=mod go mod tidy -modfile="$mod"
