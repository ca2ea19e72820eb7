package gallery

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// placeholder matches the gallery's generated-value placeholders:
// GEN-UNIQUE, GEN-UNIQUE-13 (a unique name of 13 characters),
// GEN-PASSWORD, GEN-SSH-PUB-KEY, GEN-GUID, ...
var placeholder = regexp.MustCompile(`GEN-[A-Z0-9]+(?:-[A-Z][A-Z0-9]*)*(?:-\d+)?`)

// sshKey is a well-formed RSA public key, as the gallery's harness passes
// for GEN-SSH-PUB-KEY.
const sshKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA5Oey2A9JdC6xKtRlKmcTZ4nKQmhpJkFUqGgYmb3gVPdrBZhqcWR2P7M2OPqgVbDsmXKcALMrM4OIYhJGJzptHmJBNb4SWkKKHNh9DzR6uMZuSCWTfGO9dMm7xm6Qz2wKi+gU9s2+dgLHydeZsrYHbw/jOYHclV2Yf3qJkCeHb4rNQnKjC1v0iC1Q0bLAzQsbkWvx1b3DsYnXJCPiVyBcmSHCs5ZvTCl1TLAFCD0F9uRtaDpM1L8I3vg0WkVd6ChB6zsDXOyZeyZoXzbv5EpfOkXqrPnm2AV/7ieGCz0IHGdC7zeBXEHiLw7hbI2twbP/fAfbz/ZFs4WZ gen@armdeploy"

// Values generates the value of each placeholder in a parameter file.
// Each occurrence of GEN-UNIQUE gets its own lower-case name (of the
// length a -N suffix asks for); passwords meet Azure's complexity rules;
// GUIDs and object ids are well-formed and distinct. Placeholders that
// name prerequisites (a Key Vault, a certificate, a custom host name)
// get values of the right shape that point at nothing, as in an empty
// subscription.
type Values struct{ n int }

// Replace returns data with every placeholder replaced, as the
// harness's Gen-TemplateParameters.ps1 does: a quoted placeholder that
// names a standing artifact (Config) becomes that value's JSON, which may
// be an object (a Key Vault reference); the generated ones (GEN-UNIQUE,
// GEN-PASSWORD, GEN-GUID, ...) become a fresh value each.
func (v *Values) Replace(data []byte) []byte {
	data = quotedPlaceholder.ReplaceAllFunc(data, func(m []byte) []byte {
		if x, ok := configValue(string(m[5 : len(m)-1])); ok {
			b, _ := json.Marshal(x)
			return b
		}
		return m
	})
	return placeholder.ReplaceAllFunc(data, func(m []byte) []byte { return []byte(v.value(string(m))) })
}

// quotedPlaceholder is a placeholder that is a whole JSON string.
var quotedPlaceholder = regexp.MustCompile(`"GEN-[A-Z0-9]+(?:-[A-Z][A-Z0-9]*)*"`)

// ReplacePrereqs replaces each quoted GET-PREREQ-<name> in a parameter
// file with the JSON of the prerequisite deployment's output <name>, as
// the harness does; outputs are {name: {type, value}}.
func ReplacePrereqs(data []byte, outputs map[string]struct{ Value json.RawMessage }) []byte {
	return prereqToken.ReplaceAllFunc(data, func(m []byte) []byte {
		name := string(m[len(`"GET-PREREQ-`) : len(m)-1])
		for k, o := range outputs {
			if strings.EqualFold(k, name) && o.Value != nil {
				return o.Value
			}
		}
		return m
	})
}

var prereqToken = regexp.MustCompile(`"GET-PREREQ-[^"]+"`)

func (v *Values) value(token string) string {
	v.n++
	name, size := token, 0
	if i := strings.LastIndexByte(token, '-'); i > 0 {
		if _, err := fmt.Sscanf(token[i+1:], "%d", &size); err == nil && token[i+1] >= '0' && token[i+1] <= '9' {
			name = token[:i]
		} else {
			size = 0
		}
	}
	sum := sha256.Sum256([]byte(fmt.Sprint("gallerysweep", v.n)))
	hex := fmt.Sprintf("%x", sum)
	guid := hex[:8] + "-" + hex[8:12] + "-4" + hex[13:16] + "-8" + hex[17:20] + "-" + hex[20:32]
	switch name {
	case "GEN-UNIQUE":
		// As Gen-TemplateParameters.ps1: "ci" and 16 hex digits, or with
		// -N, N characters in all (3 to 26).
		n := 16
		if size > 0 {
			n = min(max(size-2, 1), 24)
		}
		return "ci" + hex[:n]
	case "GEN-PASSWORD":
		return "cI#" + hex[:17]
	case "GEN-PASSWORD-AMP":
		return "cI&" + hex[:17]
	case "GEN-SELFSIGNED-CERT-PASSWORD":
		return "cI#" + hex[:17]
	case "GEN-SSH-PUB-KEY":
		return sshKey
	case "GEN-GUID", "GEN-AZUREAD-OBJECTID", "GEN-AZUREAD-AKS-TENANTID", "GEN-AZUREAD-AKS-APPID",
		"GEN-AZUREAD-AKS-OBJID", "GEN-COSMOS-DB-SP-OBJECTID", "GEN-KEYVAULT-SUBSCRIPTION-ID":
		return guid
	case "GEN-AZUREAD-AKS-APPID-SECRET":
		return fmt.Sprintf("sweep-secret-%d", v.n)
	}
	lower := strings.ToLower(strings.TrimPrefix(name, "GEN-"))
	switch {
	case strings.HasSuffix(name, "-URI") || strings.HasSuffix(name, "-URL"):
		return fmt.Sprintf("https://sweep%d.blob.core.windows.net/%s", v.n, lower)
	case strings.HasSuffix(name, "-RESOURCE-ID"):
		return fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sweep-prereqs/providers/Microsoft.KeyVault/vaults/sweepkv%d", v.n)
	case strings.Contains(name, "HOSTNAME") || strings.Contains(name, "HOST-NAME") || strings.Contains(name, "FQDN") || strings.Contains(name, "DNSNAME"):
		return fmt.Sprintf("sweep%d.contoso.com", v.n)
	case strings.Contains(name, "THUMBPRINT"):
		return fmt.Sprintf("%040X", v.n)
	case strings.Contains(name, "PFXDATA") || strings.Contains(name, "CERDATA"):
		return "MIIKswIBAzCCCm8GCSqGSIb3DQEHAaCCCmAEggpcMIIKWDCCBg8GCSqGSIb3DQEHAaCCBgAEggX8"
	}
	s := strings.ReplaceAll(lower, "-", "")
	if len(s) > 18 {
		s = s[:18]
	}
	return fmt.Sprintf("%s%d", s, v.n)
}

// ReplaceFile copies a parameter file into dir with every placeholder
// replaced; it returns path itself when the file holds none.
func ReplaceFile(path, dir string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil || !placeholder.Match(data) {
		return path, err
	}
	out := filepath.Join(dir, filepath.Base(path))
	return out, os.WriteFile(out, (&Values{}).Replace(data), 0o644)
}
