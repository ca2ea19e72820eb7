package state_test

import (
	"context"
	"errors"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

// TestPutResourceIf puts a resource only when it is as read: absent for a
// nil read, else with the etag and time read; a put against a stale read
// changes nothing.
func TestPutResourceIf(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const id = "/subscriptions/s/resourceGroups/rg/providers/A.B/x/n"
	put := func(etag string) *state.Resource {
		return &state.Resource{ID: id, Location: "westus", ETag: etag, Body: []byte(`{"v":"` + etag + `"}`)}
	}
	if err := s.PutResourceIf(ctx, put("1"), nil); err != nil {
		t.Fatalf("absent, read as absent: %v", err)
	}
	first, err := s.Resource(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutResourceIf(ctx, put("2"), nil); !errors.Is(err, state.ErrPreconditionFailed) {
		t.Errorf("present, read as absent: %v, want ErrPreconditionFailed", err)
	}
	if err := s.PutResourceIf(ctx, put("3"), first); err != nil {
		t.Errorf("present, read as it is: %v", err)
	}
	if err := s.PutResourceIf(ctx, put("4"), first); !errors.Is(err, state.ErrPreconditionFailed) {
		t.Errorf("changed since read: %v, want ErrPreconditionFailed", err)
	}
	if got, err := s.Resource(ctx, id); err != nil || got.ETag != "3" || string(got.Body) != `{"v":"3"}` || !got.Created.Equal(first.Created) {
		t.Errorf("stored %+v, %v; want the put made against the read, with the first creation time", got, err)
	}
	if err := s.DeleteResource(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.PutResourceIf(ctx, put("5"), first); err != nil {
		t.Errorf("deleted since read: %v, want it put", err)
	}
}
