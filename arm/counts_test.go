package arm

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

// TestCountingStore: the counts a deployment applies with follow its own
// creates, moves and deletes, and are read again after a failed write.
func TestCountingStore(t *testing.T) {
	base, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { base.Close() })
	ctx := t.Context()
	const typ = "Microsoft.Compute/galleries"
	gal := func(name, loc string) *state.Resource {
		return &state.Resource{ID: rgA + "/providers/" + typ + "/" + name, Location: loc, Body: []byte(`{}`)}
	}
	for _, r := range []*state.Resource{gal("a", "eastus"), gal("b", "westus")} {
		if err := base.PutResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	c := withCounts(base).(conditionalCounting)
	want := func(step, counts string) {
		t.Helper()
		got, err := c.CountByLocation(ctx, sub0, typ)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != counts {
			t.Errorf("%s: counts %v, want %s", step, got, counts)
		}
	}
	want("stored", "map[eastus:1 westus:1]")
	steps := []struct {
		name, counts string
		do           func() error
	}{
		{"a create", "map[eastus:2 westus:1]", func() error { return c.PutResource(ctx, gal("c", "eastus")) }},
		{"an update in place", "map[eastus:2 westus:1]", func() error { return c.PutResource(ctx, gal("c", "eastus")) }},
		{"a move", "map[eastus:1 westus:2]", func() error { return c.PutResource(ctx, gal("c", "westus")) }},
		{"a delete", "map[eastus:0 westus:2]", func() error { return c.DeleteResource(ctx, gal("a", "").ID) }},
		{"a conditional create", "map[eastus:1 westus:2]", func() error { return c.PutResourceIf(ctx, gal("e", "eastus"), nil) }},
		{"a conditional move", "map[eastus:0 westus:3]", func() error {
			read, err := base.Resource(ctx, gal("e", "").ID)
			if err != nil {
				return err
			}
			return c.PutResourceIf(ctx, gal("e", "westus"), read)
		}},
		{"a conditional put against a stale read, counted again", "map[westus:3]", func() error {
			if err := c.PutResourceIf(ctx, gal("e", "eastus"), nil); !errors.Is(err, state.ErrPreconditionFailed) {
				return fmt.Errorf("put against a stale read: %v, want ErrPreconditionFailed", err)
			}
			return nil
		}},
		{"another type", "map[westus:3]", func() error {
			return c.PutResource(ctx, &state.Resource{ID: rgA + "/providers/Microsoft.Compute/disks/d", Location: "eastus", Body: []byte(`{}`)})
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		want(s.name, s.counts)
	}
	// a write refused by the store: the counts are read from it again
	if err := c.PutResource(ctx, &state.Resource{ID: gal("bad", "eastus").ID, Location: "eastus", Body: []byte(`{`)}); err == nil {
		t.Fatal("a body that is not JSON was stored")
	}
	want("after a failed write", "map[westus:3]")
}
