package arm

import (
	"errors"
	"fmt"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Error is an ARM error as the REST API returns it inside {"error": ...}.
type Error struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Target  string   `json:"target,omitempty"`
	Details []*Error `json:"details,omitempty"`
	// AdditionalInfo holds a template error's position
	// (TemplateViolation).
	AdditionalInfo []diag.AdditionalInfo `json:"additionalInfo,omitempty"`
	// Status is the HTTP status the REST API answers with (400 when 0).
	Status int `json:"-"`
	// Resource is the id of the resource an inner error of a preflight
	// refusal is about (not part of ARM's JSON: its message names it).
	Resource string `json:"-"`
	// BadRequest marks a mistake in the request itself (a missing file, a
	// malformed argument): the CLI reports it as a usage error.
	BadRequest bool `json:"-"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message and HTTP status.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

// badRequest is an *Error for a malformed request.
func badRequest(format string, args ...any) *Error {
	return &Error{Code: "InvalidRequestContent", Message: fmt.Sprintf(format, args...), Status: 400, BadRequest: true}
}

// fromProvider turns a provider's refusal into an ARM error.
func fromProvider(e *providers.Error) *Error {
	if e == nil {
		return nil
	}
	out := &Error{Code: e.Code, Message: e.Message, Target: e.Target, Status: 400}
	if e.Code == "AuthorizationFailed" {
		out.Status = 403
	}
	for _, d := range e.Details {
		out.Details = append(out.Details, fromProvider(d))
	}
	return out
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func groupNotFound(name string) *Error {
	return Errorf(404, "ResourceGroupNotFound", "Resource group '%s' could not be found.", name)
}

func deploymentNotFound(name string) *Error {
	return Errorf(404, "DeploymentNotFound", "Deployment '%s' could not be found.", name)
}
