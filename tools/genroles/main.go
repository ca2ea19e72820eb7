// Command genroles writes the table of Azure's built-in role definitions
// that package providers embeds (providers/data/builtin-roles.json).
//
// Its input is the output of `az role definition list` (a JSON array of
// role definitions, optionally gzip-compressed) restricted to built-in
// roles. The repository keeps one such input,
// tools/genroles/testdata/az-role-definition-list.json.gz, so that
// `go generate ./providers` reproduces the table offline:
//
//	go run ./tools/genroles -in tools/genroles/testdata/az-role-definition-list.json.gz -out providers/data/builtin-roles.json
//
// To refresh the input, point -mirror at a git directory of
// github.com/easimon/azure-builtin-roles (a scheduled export of
// `az role definition list`, one file per built-in role under
// azure-roles/), e.g. the one the search tool's fetch verb brings:
//
//	go run ./tools/genroles -mirror /work/.mirror/easimon+azure-builtin-roles/repo -write-input tools/genroles/testdata/az-role-definition-list.json.gz
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// role is a role definition in the shape `az role definition list`
// prints, reduced to the fields armdeploy uses.
type role struct {
	AssignableScopes []string     `json:"assignableScopes,omitempty"`
	Description      string       `json:"description,omitempty"`
	ID               string       `json:"id,omitempty"`
	Name             string       `json:"name"`
	Permissions      []permission `json:"permissions"`
	RoleName         string       `json:"roleName"`
	RoleType         string       `json:"roleType,omitempty"`
	Type             string       `json:"type,omitempty"`
}

type permission struct {
	Actions        []string `json:"actions"`
	DataActions    []string `json:"dataActions"`
	NotActions     []string `json:"notActions"`
	NotDataActions []string `json:"notDataActions"`
}

// table is the embedded file: where the data came from and the roles,
// sorted by role name. Empty permission lists are left out.
type table struct {
	Source string      `json:"source"`
	Roles  []tableRole `json:"roles"`
}

type tableRole struct {
	Name        string            `json:"name"`
	RoleName    string            `json:"roleName"`
	Description string            `json:"description,omitempty"`
	Permissions []tablePermission `json:"permissions"`
}

type tablePermission struct {
	Actions        []string `json:"actions,omitempty"`
	NotActions     []string `json:"notActions,omitempty"`
	DataActions    []string `json:"dataActions,omitempty"`
	NotDataActions []string `json:"notDataActions,omitempty"`
}

func main() {
	in := flag.String("in", "", "input: `az role definition list` JSON (.json or .json.gz)")
	out := flag.String("out", "", "output: the embedded table")
	mirror := flag.String("mirror", "", "git directory of easimon/azure-builtin-roles to read instead of -in")
	rev := flag.String("rev", "HEAD", "revision of -mirror")
	writeInput := flag.String("write-input", "", "with -mirror: write the roles as a gzip-compressed input file")
	flag.Parse()
	if err := run(*in, *out, *mirror, *rev, *writeInput); err != nil {
		fmt.Fprintln(os.Stderr, "genroles:", err)
		os.Exit(1)
	}
}

func run(in, out, mirror, rev, writeInput string) error {
	var roles []role
	var err error
	switch {
	case mirror != "":
		roles, err = readMirror(mirror, rev)
	case in != "":
		roles, err = readInput(in)
	default:
		return errors.New("give -in or -mirror")
	}
	if err != nil {
		return err
	}
	roles = slices.DeleteFunc(roles, func(r role) bool { return r.RoleType != "" && r.RoleType != "BuiltInRole" })
	slices.SortFunc(roles, func(a, b role) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	if len(roles) == 0 {
		return errors.New("no roles read")
	}
	if writeInput != "" {
		if err := writeGzipJSON(writeInput, roles); err != nil {
			return err
		}
	}
	if out != "" {
		return os.WriteFile(out, render(roles), 0o644)
	}
	return nil
}

// readMirror reads every azure-roles/*.json of a git directory at rev.
func readMirror(dir, rev string) ([]role, error) {
	ls, err := exec.Command("git", "--git-dir", dir, "ls-tree", "-z", "--name-only", rev, "azure-roles/").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-tree: %w", err)
	}
	var roles []role
	for _, p := range strings.Split(strings.TrimRight(string(ls), "\x00"), "\x00") {
		if !strings.HasSuffix(p, ".json") {
			continue
		}
		data, err := exec.Command("git", "--git-dir", dir, "show", rev+":"+p).Output()
		if err != nil {
			return nil, fmt.Errorf("git show %s: %w", p, err)
		}
		var r role
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		roles = append(roles, r)
	}
	return roles, nil
}

func readInput(path string) ([]role, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	var roles []role
	return roles, json.Unmarshal(data, &roles)
}

// writeGzipJSON writes roles as `az role definition list` would print
// them (indented), gzip-compressed without a time stamp, so the same
// roles always give the same bytes.
func writeGzipJSON(path string, roles []role) error {
	data, err := json.MarshalIndent(roles, "", "  ")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(append(data, '\n'))
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// render writes the table with one role a line.
func render(roles []role) []byte {
	var b bytes.Buffer
	b.WriteString("{\"source\":\"az role definition list (built-in roles), as exported by github.com/easimon/azure-builtin-roles; generated by tools/genroles\",\n\"roles\":[\n")
	for i, r := range roles {
		tr := tableRole{Name: strings.ToLower(r.Name), RoleName: r.RoleName, Description: r.Description}
		for _, p := range r.Permissions {
			tr.Permissions = append(tr.Permissions, tablePermission{Actions: p.Actions, NotActions: p.NotActions,
				DataActions: p.DataActions, NotDataActions: p.NotDataActions})
		}
		line, _ := json.Marshal(tr)
		b.Write(line)
		if i < len(roles)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes()
}
