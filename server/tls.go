package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// TLSMaterial is the private CA and the server certificate it signed,
// as files under the server's folder: ca/ca.pem (what clients trust),
// ca/ca.key, and cert-<hosts>/server.pem and server.key. Keys are 0600.
// They are made on first start and reused after, by every server over
// the same folder.
type TLSMaterial struct {
	CAFile, CertFile, KeyFile string
	// Pool holds the CA, for clients in tests.
	Pool *x509.CertPool
	cert tls.Certificate
}

// Config is the server's TLS configuration.
func (m *TLSMaterial) Config() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{m.cert}, MinVersion: tls.VersionTLS12}
}

// EnsureTLS loads the CA and a server certificate valid for localhost,
// 127.0.0.1, ::1 and hosts from dir, making whatever is missing. Each
// set of files is written into a temporary folder that is then renamed
// into place, so two servers starting at once end up with the same
// material.
func EnsureTLS(dir string, hosts []string) (*TLSMaterial, error) {
	caDir := filepath.Join(dir, "ca")
	if err := ensureDir(caDir, makeCA); err != nil {
		return nil, fmt.Errorf("the server's CA: %w", err)
	}
	caCert, caKey, err := loadPair(filepath.Join(caDir, "ca.pem"), filepath.Join(caDir, "ca.key"))
	if err != nil {
		return nil, fmt.Errorf("the server's CA: %w", err)
	}
	names := certNames(hosts)
	sum := sha256.Sum256([]byte(strings.Join(names, ",") + "|" + hex.EncodeToString(caCert.SubjectKeyId)))
	certDir := filepath.Join(dir, "cert-"+hex.EncodeToString(sum[:6]))
	if c, _, err := loadPair(filepath.Join(certDir, "server.pem"), filepath.Join(certDir, "server.key")); err == nil &&
		time.Until(c.NotAfter) < 30*24*time.Hour {
		// Expiring soon: make a new one beside it.
		certDir += "-" + time.Now().UTC().Format("20060102")
	}
	if err := ensureDir(certDir, func(tmp string) error { return makeLeaf(tmp, caCert, caKey, names) }); err != nil {
		return nil, fmt.Errorf("the server's certificate: %w", err)
	}
	m := &TLSMaterial{CAFile: filepath.Join(caDir, "ca.pem"), CertFile: filepath.Join(certDir, "server.pem"),
		KeyFile: filepath.Join(certDir, "server.key"), Pool: x509.NewCertPool()}
	m.Pool.AddCert(caCert)
	if m.cert, err = tls.LoadX509KeyPair(m.CertFile, m.KeyFile); err != nil {
		return nil, fmt.Errorf("the server's certificate: %w", err)
	}
	return m, nil
}

// certNames are the certificate's names: localhost, the loopback
// addresses and hosts, without repeats.
func certNames(hosts []string) []string {
	names := []string{"localhost", "127.0.0.1", "::1"}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h != "" && !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	return names
}

// ensureDir makes dir with make (which fills a temporary folder) unless
// it exists; a rename that loses to another process's is fine.
func ensureDir(dir string, make func(tmp string) error) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := make(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(dir); serr == nil {
			return nil // another server made it first
		}
		return err
	}
	return nil
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// keyID is a subject key identifier (RFC 5280 §4.2.1.2, method 1).
func keyID(k *ecdsa.PrivateKey) []byte {
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	sum := sha1.Sum(pub)
	return sum[:]
}

func makeCA(tmp string) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	now := time.Now()
	tpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "armdeploy serve local CA", Organization: []string{"armdeploy"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature, SubjectKeyId: keyID(key)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	return writePair(filepath.Join(tmp, "ca.pem"), filepath.Join(tmp, "ca.key"), der, key)
}

func makeLeaf(tmp string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, names []string) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	now := time.Now()
	tpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "localhost", Organization: []string{"armdeploy"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 0, 397), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, SubjectKeyId: keyID(key), AuthorityKeyId: ca.SubjectKeyId}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tpl.IPAddresses = append(tpl.IPAddresses, ip)
		} else {
			tpl.DNSNames = append(tpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	return writePair(filepath.Join(tmp, "server.pem"), filepath.Join(tmp, "server.key"), der, key)
}

func writePair(certFile, keyFile string, der []byte, key *ecdsa.PrivateKey) error {
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func loadPair(certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	cblock, _ := pem.Decode(cb)
	kblock, _ := pem.Decode(kb)
	if cblock == nil || kblock == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(cblock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kblock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// ensureSigningKey returns the token signing key (HMAC-SHA256, 32
// bytes) kept in dir/token/key (0600), made on first use. Tokens stay
// valid across restarts and between servers over one folder, as az's
// token cache needs.
func ensureSigningKey(dir string) ([]byte, error) {
	kd := filepath.Join(dir, "token")
	err := ensureDir(kd, func(tmp string) error {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, "key"), []byte(hex.EncodeToString(b)), 0o600)
	})
	if err != nil {
		return nil, fmt.Errorf("the token signing key: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(kd, "key"))
	if err != nil {
		return nil, fmt.Errorf("the token signing key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("the token signing key %s is damaged; delete it to make a new one (tokens issued so far stop working)", filepath.Join(kd, "key"))
	}
	return key, nil
}
