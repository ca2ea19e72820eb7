package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// logEntry is one request-log line. It never holds a secret: no query
// (az's filters are harmless, but a client may put anything there), no
// header but the client request id, no body.
type logEntry struct {
	Time          string  `json:"time"`
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Status        int     `json:"status"`
	DurationMS    float64 `json:"durationMs"`
	Principal     string  `json:"principal,omitempty"`
	CorrelationID string  `json:"correlationId"`
	Error         string  `json:"error,omitempty"`
}

// recorder keeps the status a handler wrote and what the log line needs
// from the handler (principal, internal error).
type recorder struct {
	http.ResponseWriter
	status    int
	principal string
	internal  string
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// logMu keeps log lines whole when requests end at once.
var logMu sync.Mutex

// withRequestIDs sets x-ms-request-id and x-ms-correlation-request-id
// (the client's x-ms-client-request-id when it sent one) on every reply
// and writes the request's log line.
func (s *Server) withRequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.opts.Now()
		correlation := r.Header.Get("x-ms-client-request-id")
		if correlation == "" || len(correlation) > 128 || strings.ContainsAny(correlation, "\r\n") {
			correlation = uuid.NewString()
		}
		h := w.Header()
		h.Set("x-ms-request-id", uuid.NewString())
		h.Set("x-ms-correlation-request-id", correlation)
		if id := r.Header.Get("x-ms-client-request-id"); id != "" && id == correlation {
			h.Set("x-ms-client-request-id", id)
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.logRequest(logEntry{Time: start.UTC().Format(time.RFC3339Nano), Method: r.Method, Path: r.URL.Path,
			Status: rec.status, DurationMS: float64(s.opts.Now().Sub(start).Microseconds()) / 1000, Principal: rec.principal,
			CorrelationID: correlation, Error: rec.internal})
	})
}

func (s *Server) logRequest(e logEntry) {
	var line string
	if s.opts.LogFormat == "json" {
		b, _ := json.Marshal(e)
		line = string(b) + "\n"
	} else {
		principal := e.Principal
		if principal == "" {
			principal = "-"
		}
		line = fmt.Sprintf("%s %s %s %d %.1fms principal=%s correlation=%s", e.Time, e.Method, e.Path, e.Status,
			e.DurationMS, principal, e.CorrelationID)
		if e.Error != "" {
			line += fmt.Sprintf(" error=%q", e.Error)
		}
		line += "\n"
	}
	logMu.Lock()
	defer logMu.Unlock()
	_, _ = s.opts.Log.Write([]byte(line))
}

// setPrincipal tells the log line who made the request.
func setPrincipal(w http.ResponseWriter, principal string) {
	if rec, ok := w.(*recorder); ok {
		rec.principal = principal
	}
}

// setInternal tells the log line the internal error behind a 500.
func setInternal(w http.ResponseWriter, err error) {
	if rec, ok := w.(*recorder); ok {
		rec.internal = err.Error()
	}
}
