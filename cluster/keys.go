package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

// writeKeys writes the service-account signing key pair the API server and the controller-manager
// share (PEM, RSA 2048) into the directory given, unless it is already there.
func writeKeys(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: testcluster keys DIR")
		return 2
	}
	dir := args[0]
	if _, err := os.Stat(dir + "/sa.key"); err == nil {
		return 0
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		return 1
	}
	public, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		return 1
	}
	private := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(dir+"/sa.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: public}), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		return 1
	}
	if err := os.WriteFile(dir+"/sa.key", private, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		return 1
	}
	return 0
}
