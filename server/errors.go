package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// envelope is ARM's error body: {"error": {...}}.
type envelope struct {
	Error *errorBody `json:"error"`
}

type errorBody struct {
	Code           string                `json:"code"`
	Message        string                `json:"message"`
	Target         *string               `json:"target"`
	Details        []*errorBody          `json:"details,omitempty"`
	AdditionalInfo []diag.AdditionalInfo `json:"additionalInfo,omitempty"`
}

func bodyOf(e *arm.Error) *errorBody {
	b := &errorBody{Code: e.Code, Message: e.Message, AdditionalInfo: e.AdditionalInfo}
	if e.Target != "" {
		t := e.Target
		b.Target = &t
	}
	for _, d := range e.Details {
		b.Details = append(b.Details, bodyOf(d))
	}
	return b
}

// armError is err as the ARM error the client gets: an *arm.Error as it
// is (status 400 when it has none), a lease held by another deployment as
// 409, anything else as a 500 whose text stays in the log.
func armError(err error) (e *arm.Error, internal bool) {
	if ae, ok := arm.AsError(err); ok {
		cp := *ae
		if cp.Status == 0 {
			cp.Status = http.StatusBadRequest
		}
		return &cp, false
	}
	var le *state.LeaseError
	if errors.As(err, &le) {
		return &arm.Error{Status: http.StatusConflict, Code: "DeploymentActive",
			Message: fmt.Sprintf("Unable to edit or replace: %s. Please try again once it finishes.", le.Error())}, false
	}
	return &arm.Error{Status: http.StatusInternalServerError, Code: "InternalServerError",
		Message: "The server encountered an internal error; its log has the details."}, true
}

// writeError writes an ARM error: the one place that writes the envelope
// and x-ms-error-code.
func writeError(w http.ResponseWriter, e *arm.Error) {
	w.Header().Set("x-ms-error-code", e.Code)
	writeJSON(w, e.Status, envelope{bodyOf(e)})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"InternalServerError","message":"The reply could not be encoded.","target":null}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(diag.ValidUTF8(b))
}

// errorf is an *arm.Error for a fault found in the server (routing,
// arguments).
func errorf(status int, code, format string, args ...any) *arm.Error {
	return arm.Errorf(status, code, format, args...)
}
