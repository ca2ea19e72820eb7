package arm

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// The codes Azure answers a Key Vault reference of a parameter file with
// when the vault or the secret cannot be read.
const (
	codeKeyVaultNotFound       = "KeyVaultParameterReferenceNotFound"
	codeKeyVaultSecretNotFound = "KeyVaultParameterReferenceSecretRetrieveFailed"
	actionKeyVaultDeploy       = "Microsoft.KeyVault/vaults/deploy/action"
)

// resolveKeyVaultReferences resolves the parameters given as Key Vault
// references ({"reference": {"keyVault": {"id"}, "secretName"}}) as ARM
// does before it evaluates anything: the vault must exist in the store,
// the caller must hold Microsoft.KeyVault/vaults/deploy/action on it, and
// the secret (a Microsoft.KeyVault/vaults/secrets resource) must exist.
// A resolved parameter gets a value derived from the secret's id: the
// simulation never keeps a secret's value (ARM never returns one either),
// and the parameter is secure, so no one sees it. Each reference that
// cannot be resolved is an error at the reference, with Azure's code.
func (s *Service) resolveKeyVaultReferences(ctx context.Context, req *DeploymentRequest, l *Loaded) {
	if l == nil || l.Params == nil {
		return
	}
	for _, pv := range l.Params.Values {
		if pv.Reference == nil || pv.Value != nil {
			continue
		}
		vault := strField(pv.Reference.Get("keyVault"), "id")
		secret := strField(pv.Reference, "secretName")
		if vault == "" || secret == "" {
			continue // the schema reports the shape
		}
		l.Diags = slices.DeleteFunc(l.Diags, func(d diag.Diagnostic) bool {
			return d.Code == templates.CodeKeyVaultReference && d.Range == pv.Reference.Range()
		})
		if d, ok := s.keyVaultSecret(ctx, req, pv, vault, secret); !ok {
			l.Diags = append(l.Diags, d)
			continue
		}
		id := strings.TrimRight(vault, "/") + "/secrets/" + secret
		if v := strField(pv.Reference, "secretVersion"); v != "" {
			id += "/" + v
		}
		pv.Value = templates.StringNode(secretStandIn(id), pv.Reference)
	}
}

// keyVaultSecret checks that a referenced secret can be read.
func (s *Service) keyVaultSecret(ctx context.Context, req *DeploymentRequest, pv *templates.ParameterValue, vault, secret string) (diag.Diagnostic, bool) {
	fail := func(code, msg string) (diag.Diagnostic, bool) {
		return diag.Diagnostic{Severity: diag.Error, Code: code, Range: pv.Reference.Range(), Message: msg}, false
	}
	notFound := func() (diag.Diagnostic, bool) {
		return fail(codeKeyVaultNotFound, fmt.Sprintf("The specified KeyVault '%s' could not be found. Please see https://aka.ms/arm-keyvault for usage details.", vault))
	}
	ref, err := state.ParseResourceID(vault)
	if err != nil || !strings.EqualFold(ref.Type, "Microsoft.KeyVault/vaults") {
		return notFound()
	}
	if _, err := s.reader.Resource(ctx, vault); err != nil {
		return notFound()
	}
	if req.Principal != "" {
		if err := s.authorize(ctx, req.Principal, actionKeyVaultDeploy, vault); err != nil {
			var ae *Error
			if errors.As(err, &ae) {
				return fail(ae.Code, ae.Message)
			}
			return fail("AuthorizationFailed", err.Error())
		}
	}
	if _, err := s.reader.Resource(ctx, strings.TrimRight(vault, "/")+"/secrets/"+secret); err != nil {
		return fail(codeKeyVaultSecretNotFound, fmt.Sprintf("The secret of KeyVault parameter '%s' cannot be retrieved. Http status code: 'NotFound'. "+
			"Error message: 'A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. "+
			"For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182'. Please see https://aka.ms/arm-keyvault for usage details.", pv.Name, secret))
	}
	return diag.Diagnostic{}, true
}

// secretStandIn is the value a resolved secret reference stands for: the
// same for the same secret, and strong enough for Azure's password rules.
func secretStandIn(id string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(id)))
	return fmt.Sprintf("Kv#%x", sum[:10])
}

// strField is the string member key of an object node, or "".
func strField(n *templates.Node, key string) string {
	if n == nil || n.Kind != templates.Object {
		return ""
	}
	if v := n.Get(key); v != nil && v.Kind == templates.String {
		return v.Str
	}
	return ""
}
