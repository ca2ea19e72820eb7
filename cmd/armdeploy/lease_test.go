package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// leaseClock is the clock of the planted leases: long ago, so that a
// holder on another host is stale by its heartbeat.
var leaseClock = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

const deadPID = 1<<31 - 1 // above every system's pid limit

// plantLease records l as its holder left it: the store is closed without
// releasing it, as a crash leaves it. A holder with this process's pid
// stays alive until the test ends.
func plantLease(t *testing.T, path string, l state.Lease) {
	t.Helper()
	seed(t, path, func(st *state.SQLiteStore) {
		st.SetClock(func() time.Time { return leaseClock })
		if l.Host == "" {
			l.Host, _ = os.Hostname()
		}
		if l.Started.IsZero() {
			l.Started = leaseClock
		}
		_, err := st.AcquireLease(t.Context(), l, 0)
		must(t, err)
	})
}

func groupLease(rg, holder, principal string, pid int) state.Lease {
	return state.Lease{Scope: strings.ToLower(rgID(sub0, rg)), Holder: holder, Principal: principal, PID: pid,
		Command: "armdeploy deployment group create"}
}

// leaseGolden is golden with this process's pid and the host name
// replaced, and the columns of lease tables (whose widths depend on them)
// two spaces apart.
func leaseGolden(t *testing.T, got string) {
	t.Helper()
	host, _ := os.Hostname()
	pid := regexp.MustCompile(`\b` + strconv.Itoa(os.Getpid()) + `\b`)
	columns := regexp.MustCompile(`  +`)
	lines := strings.SplitAfter(got, "\n")
	for i, line := range lines {
		line = pid.ReplaceAllString(strings.ReplaceAll(line, host, "HOST"), "PID")
		if strings.HasPrefix(line, "---") {
			line = "---\n"
		}
		if strings.HasPrefix(line, "Scope ") || strings.HasPrefix(line, "/") {
			line = columns.ReplaceAllString(line, "  ")
		}
		lines[i] = line
	}
	golden(t, strings.Join(lines, ""))
}

// TestLeaseCommands: list (filtered to what the principal may read) and
// break (Owner only; a gone holder's Running deployment is recorded
// Failed, a live holder's asked to cancel; a missing lease is an error).
func TestLeaseCommands(t *testing.T) {
	path := storeDir(t)
	seed(t, path, func(st *state.SQLiteStore) {
		for _, rg := range []string{"demo", "busy"} {
			must(t, st.PutGroup(t.Context(), &state.ResourceGroup{SubscriptionID: sub0, Name: rg, Location: "eastus", Created: t1}))
		}
		for i, a := range []struct{ principal, role string }{{"readerA", providers.RoleReader}, {"contribA", providers.RoleContributor}} {
			must(t, st.PutRoleAssignment(t.Context(), &state.RoleAssignment{
				ID:          fmt.Sprintf("%s/providers/Microsoft.Authorization/roleAssignments/a%d", rgID(sub0, "demo"), i),
				PrincipalID: a.principal, RoleDefinitionID: "/providers/Microsoft.Authorization/roleDefinitions/" + a.role, Created: t1}))
		}
		must(t, st.PutDeployment(t.Context(), &state.Deployment{SubscriptionID: sub0, ResourceGroup: "busy", Name: "busy",
			Mode: "Incremental", Status: "Running", Started: t1}))
	})
	plantLease(t, path, groupLease("demo", "crashed", "alice", deadPID))
	plantLease(t, path, groupLease("busy", "busy", "bob", os.Getpid()))
	remote := groupLease("", "remote", "carol", 9999999) // above Linux's pid limit
	remote.Scope, remote.Host = "/subscriptions/"+subB, "build-agent-7.invalid"
	plantLease(t, path, remote)
	leaseGolden(t, transcript(t, []cliStep{
		{args: "lease list"},
		{args: "lease list -o json"},
		{args: "lease list --as readerA -o yaml"},
		{args: "lease list --as nobody"},
		{args: "lease break -g demo --as readerA"},
		{args: "lease break -g demo --as contribA"},
		{args: "lease break"},
		{args: "lease break -g demo -m mg1"},
		{args: "lease break --scope /nope"},
		{args: "lease break -g nope"},
		{args: "lease break -g demo"},
		{args: "lease break -g demo"},
		{args: "lease break -g busy -o json"},
		{args: "lease break --subscription " + subB},
		// The live holder was asked to cancel; with its lease gone, the next
		// command records its deployment Failed (no one holds the scope).
		{args: "deployment list -g busy"},
		{args: "lease list"},
	}))
}

// TestLeaseTakeoverWarning: a deployment that takes over the lease of a
// gone holder (a dead pid, or a live pid of another process) warns naming
// it; one whose holder died mid-deployment is recovered with a warning.
func TestLeaseTakeoverWarning(t *testing.T) {
	start, boot := state.ProcessIdentity(os.Getpid())
	reused := groupLease("demo", "old", "alice", os.Getpid())
	reused.ProcessStart, reused.BootID = start+1, boot
	for _, tc := range []struct {
		name    string
		lease   state.Lease
		running bool // the holder's deployment is recorded Running
		skip    bool
	}{
		{name: "dead pid", lease: groupLease("demo", "old", "alice", deadPID)},
		{name: "reused pid", lease: reused, skip: start == 0},
		{name: "dead pid, deployment running", lease: groupLease("demo", "old", "alice", deadPID), running: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip {
				t.Skip("this system does not tell a process's start time")
			}
			path := storeDir(t)
			seed(t, path, func(st *state.SQLiteStore) {
				must(t, st.PutGroup(t.Context(), &state.ResourceGroup{SubscriptionID: sub0, Name: "demo", Location: "eastus", Created: t1}))
				if tc.running {
					must(t, st.PutDeployment(t.Context(), &state.Deployment{SubscriptionID: sub0, ResourceGroup: "demo", Name: "old",
						Mode: "Incremental", Status: "Running", Started: t1}))
				}
			})
			plantLease(t, path, tc.lease)
			must(t, os.WriteFile("empty.json", []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
				"contentVersion": "1.0.0.0", "resources": []}`), 0o644))
			leaseGolden(t, transcript(t, []cliStep{
				{args: "deploy -g demo -f empty.json --no-tui"},
				{args: "lease list"},
			}))
		})
	}
}
