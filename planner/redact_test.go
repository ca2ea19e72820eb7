package planner

import (
	"errors"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
)

func TestRedactResult(t *testing.T) {
	o := evaluator.NewObject(2)
	o.Set("location", evaluator.Secure(evaluator.String("Hunter2Hunter2")))
	o.Set("name", evaluator.String("plain"))
	secret := evaluator.ObjectValue(o)
	tests := []struct {
		name      string
		payload   evaluator.Value
		err       error
		warnings  []string
		wantMsg   string
		wantWarn  string
		wantInner string
	}{
		{"refusal and details", secret,
			&providers.Error{Code: "C", Message: "The provided location hunter2hunter2 is not available", Target: "Hunter2Hunter2",
				Details: []*providers.Error{{Code: "D", Message: "inner 'Hunter2Hunter2'"}}},
			[]string{"warned about Hunter2Hunter2"},
			"The provided location ***** is not available", "warned about *****", "inner '*****'"},
		{"no secrets: unchanged", evaluator.ObjectValue(evaluator.NewObject(0)),
			&providers.Error{Code: "C", Message: "Hunter2Hunter2", Details: []*providers.Error{{Message: "x"}}},
			[]string{"w"}, "Hunter2Hunter2", "w", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := redactResult(&providers.Result{Warnings: tt.warnings}, tt.err, tt.payload)
			var pe *providers.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *providers.Error", err)
			}
			if pe.Message != tt.wantMsg || pe.Details[0].Message != tt.wantInner {
				t.Errorf("message %q, inner %q; want %q, %q", pe.Message, pe.Details[0].Message, tt.wantMsg, tt.wantInner)
			}
			if res.Warnings[0] != tt.wantWarn {
				t.Errorf("warning %q, want %q", res.Warnings[0], tt.wantWarn)
			}
		})
	}
}
