// Command constraint-crds prints the CustomResourceDefinition that Gatekeeper's
// constrainttemplate controller creates for each ConstraintTemplate it reads, made by
// Gatekeeper's own code (github.com/open-policy-agent/gatekeeper/v3 and its frameworks module):
// the template converted to its version-less form (with the API server's defaults), then the
// frameworks crds.CreateSchema with Gatekeeper's K8sValidationTarget match schema,
// crds.CreateCRD and crds.ValidateCRD, then converted to apiextensions.k8s.io/v1. The
// controller also sets an ownerReference to the template; that is left out.
//
// Input: YAML or JSON documents on stdin (other kinds are skipped). Output: one JSON List.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	templatesv1alpha1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1alpha1"
	templatesv1beta1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1beta1"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/crds"
	"github.com/open-policy-agent/frameworks/constraint/pkg/core/templates"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type toVersionless interface {
	ToVersionless() (*templates.ConstraintTemplate, error)
}

func main() {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		apiextensions.AddToScheme, apiextensionsv1.AddToScheme,
		templatesv1.AddToScheme, templatesv1beta1.AddToScheme, templatesv1alpha1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			fail(err)
		}
	}
	validation := &target.K8sValidationTarget{}
	decoder := utilyaml.NewYAMLOrJSONDecoder(bufio.NewReader(os.Stdin), 4096)
	items := []interface{}{}
	for doc := 0; ; doc++ {
		u := &unstructured.Unstructured{}
		if err := decoder.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			fail(fmt.Errorf("document %d: %w", doc, err))
		}
		gvk := u.GroupVersionKind()
		if u.Object == nil || gvk.Group != templatesv1.SchemeGroupVersion.Group || gvk.Kind != "ConstraintTemplate" {
			continue
		}
		typed, err := scheme.New(gvk)
		if err != nil {
			fail(fmt.Errorf("ConstraintTemplate %s: %w", u.GetName(), err))
		}
		raw, err := u.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(raw, typed)
		}
		if err != nil {
			fail(fmt.Errorf("ConstraintTemplate %s: %w", u.GetName(), err))
		}
		template, err := typed.(toVersionless).ToVersionless()
		if err != nil {
			fail(fmt.Errorf("ConstraintTemplate %s: %w", u.GetName(), err))
		}
		// the checks of the frameworks client's CreateCRD before it builds the CRD
		if kind := template.Spec.CRD.Spec.Names.Kind; kind == "" || !strings.EqualFold(template.Name, kind) {
			fail(fmt.Errorf("ConstraintTemplate %s: its name is not the lowercase of spec.crd.spec.names.kind %q", template.Name, kind))
		}
		if err := crds.ValidateTargets(template); err != nil {
			fail(fmt.Errorf("ConstraintTemplate %s: %w", template.Name, err))
		}
		crd, err := crds.CreateCRD(template, crds.CreateSchema(template, validation))
		if err == nil {
			err = crds.ValidateCRD(context.Background(), crd)
		}
		if err != nil {
			fail(fmt.Errorf("ConstraintTemplate %s: %w", template.Name, err))
		}
		v1 := &apiextensionsv1.CustomResourceDefinition{}
		if err := scheme.Convert(crd, v1, nil); err != nil {
			fail(err)
		}
		v1.APIVersion, v1.Kind = "apiextensions.k8s.io/v1", "CustomResourceDefinition"
		object, err := runtime.DefaultUnstructuredConverter.ToUnstructured(v1)
		if err != nil {
			fail(err)
		}
		delete(object, "status")
		unstructured.RemoveNestedField(object, "metadata", "creationTimestamp")
		items = append(items, object)
	}
	out, err := json.Marshal(map[string]interface{}{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(append(out, '\n'))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "constraint-crds:", err)
	os.Exit(1)
}
