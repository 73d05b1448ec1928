//go:build tools

// Package tools pins gator, Gatekeeper's command-line policy evaluator (its CEL and Rego
// drivers), in this module's go.mod: cluster/build.sh builds it from here.
package tools

import _ "github.com/open-policy-agent/gatekeeper/v3/cmd/gator"
