package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/armdeploy/armdeploy/planner"
)

func TestShortNames(t *testing.T) {
	tests := []struct {
		name  string
		in    []string
		width int
		want  []string
	}{
		{"fits", []string{"gallery1", "vm1"}, 10, []string{"gallery1", "vm1"}},
		{"middle goes, end stays", []string{"contosoImageGallery/ubuntu-2204-lts-gen2/1.0.0"}, 18,
			[]string{"conto…s-gen2/1.0.0"}},
		{"versions differ at the end", []string{"contosoImageGallery/ubuntu-2204-lts-gen2/1.0.0", "contosoImageGallery/ubuntu-2204-lts-gen2/1.0.1"}, 18,
			[]string{"conto…s-gen2/1.0.0", "conto…s-gen2/1.0.1"}},
		{"they differ in the middle", []string{"gallery/definition-a-with-a-long-common-tail-x", "gallery/definition-b-with-a-long-common-tail-x"}, 20,
			[]string{"gall…ion-a-with-a-l…", "gall…ion-b-with-a-l…"}},
		{"they differ at the start", []string{"a-shared-name-that-is-long-and-the-same", "b-shared-name-that-is-long-and-the-same"}, 12,
			[]string{"a-s…the-same", "b-s…the-same"}},
		{"tiny width", []string{"abcdef"}, 2, []string{"a…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shortNames(tt.in, tt.width)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("shortNames(%q, %d)[%d] = %q, want %q", tt.in, tt.width, i, got[i], tt.want[i])
				}
				if w := ansi.StringWidth(got[i]); w > tt.width {
					t.Errorf("%q is %d cells wide, more than %d", got[i], w, tt.width)
				}
			}
		})
	}
}

// longHeader is a deployment whose names are longer than the name column
// at 80 and 60 columns and differ only at their ends.
func longHeader() DeployHeader {
	h := DeployHeader{Deployment: "images", ResourceGroup: "rg-build-farm", Mode: "Incremental"}
	add := func(typ, name string) {
		h.Rows = append(h.Rows, Row{ID: sub + typ + "/" + name, Type: typ, Name: name})
	}
	add("Microsoft.Compute/galleries", "contosoBuildFarmImageGallery")
	for _, def := range []string{"ubuntu-2204-lts-gen2", "ubuntu-2204-lts-gen1"} {
		add("Microsoft.Compute/galleries/images", "contosoBuildFarmImageGallery/"+def)
		for _, v := range []string{"1.0.0", "1.0.1", "1.1.0"} {
			add("Microsoft.Compute/galleries/images/versions", "contosoBuildFarmImageGallery/"+def+"/"+v)
		}
	}
	add("Microsoft.Network/networkSecurityGroups", "build-agents-network-security-group-eastus")
	add("Microsoft.Network/networkSecurityGroups", "build-agents-network-security-group-westus")
	return h
}

// TestDeployViewNarrow renders a deployment of long names at 80 and 60
// columns: every line fits, and no two rows show the same name and type.
func TestDeployViewNarrow(t *testing.T) {
	for _, w := range []int{80, 60} {
		t.Run(fmt.Sprintf("%dx24", w), func(t *testing.T) {
			h := longHeader()
			m := newDeployModel(h, nil, plain, Options{Now: fixedNow})
			m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
			for i, r := range h.Rows {
				if i < 5 {
					m.Update(ev(planner.Started, r, 0))
					m.Update(ev(planner.Succeeded, r, time.Duration(i+1)*time.Second))
				}
			}
			view := m.View()
			seen := map[string]bool{}
			for _, line := range strings.Split(view, "\n") {
				if cw := ansi.StringWidth(line); cw > w {
					t.Errorf("line is %d cells wide, more than %d: %q", cw, w, line)
				}
				if !strings.HasPrefix(line, " ") || len(line) < 4 {
					continue
				}
				// A row: mark, name and type up to the status word.
				key := strings.Join(strings.Fields(line)[:3], " ")
				if seen[key] {
					t.Errorf("two rows show %q", key)
				}
				seen[key] = true
			}
			snapshot(t, view, w, 24)
		})
	}
}

// TestDeployResizeClears checks that the first size is taken as it is, a
// wider or shorter terminal just redraws, and a narrower one clears the
// screen first, so the redraw leaves no stray wrapped lines of the old
// frame.
func TestDeployResizeClears(t *testing.T) {
	m := newTestDeploy(nil)
	for _, sz := range []tea.WindowSizeMsg{{Width: 70, Height: 24}, {Width: 70, Height: 24}, {Width: 80, Height: 24}, {Width: 80, Height: 20}} {
		if _, cmd := m.Update(sz); cmd != nil {
			t.Fatalf("the size %dx%d returned a command: %T", sz.Width, sz.Height, cmd())
		}
	}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	if cmd == nil {
		t.Fatal("a resize returned no command")
	}
	if got, want := fmt.Sprintf("%T", cmd()), fmt.Sprintf("%T", tea.ClearScreen()); got != want {
		t.Errorf("a resize returned %s, want %s", got, want)
	}
	if m.width != 60 || m.height != 20 {
		t.Errorf("size %dx%d, want 60x20", m.width, m.height)
	}
}
