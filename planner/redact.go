package planner

import (
	"errors"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// redactResult masks the secure values of a PUT's payload in what the
// provider said: a refusal's message, target and details, and warnings.
// Providers get secrets in clear and quote values in their messages ("The
// provided location ... is not available"); those messages reach views,
// operation records and the deployment's error.
func redactResult(res *providers.Result, err error, payload evaluator.Value) (*providers.Result, error) {
	secrets := evaluator.SecretStrings(payload)
	if len(secrets) == 0 {
		return res, err
	}
	if res != nil {
		for i, w := range res.Warnings {
			res.Warnings[i] = diag.RedactText(w, secrets)
		}
	}
	var pe *providers.Error
	if errors.As(err, &pe) {
		return res, redactProviderError(pe, secrets)
	}
	return res, err
}

func redactProviderError(e *providers.Error, secrets []string) *providers.Error {
	if e == nil {
		return nil
	}
	c := *e
	c.Message = diag.RedactText(e.Message, secrets)
	c.Target = diag.RedactText(e.Target, secrets)
	c.Details = make([]*providers.Error, len(e.Details))
	for i, d := range e.Details {
		c.Details[i] = redactProviderError(d, secrets)
	}
	if len(e.Details) == 0 {
		c.Details = nil
	}
	return &c
}
