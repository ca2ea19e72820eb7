//go:build unix

package templates

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within runs f and fails the test when it takes more than 5 seconds: a
// read that blocks on a named pipe never returns.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatalf("%s did not finish within 5s", what)
	}
}

func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pipe.json")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

func TestReadFileRefusesNonRegular(t *testing.T) {
	pipe := fifo(t)
	for _, c := range []struct{ name, path, want string }{
		{"fifo", pipe, "is a named pipe (FIFO), not a regular file"},
		{"dev-zero", "/dev/zero", "is a device, not a regular file"},
		{"directory", t.TempDir(), "is a directory, not a regular file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.path); err != nil {
				t.Skip(err)
			}
			within(t, "ReadFile "+c.path, func() {
				src, _, err := ReadFile(c.path)
				if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), c.want) || src != nil {
					t.Errorf("ReadFile(%s) = %v, want %q", c.path, err, c.want)
				}
			})
		})
	}
}

func TestReadParameterArgFIFO(t *testing.T) {
	pipe := fifo(t)
	for _, arg := range []string{"@" + pipe, pipe} {
		within(t, "-p "+arg, func() {
			_, _, _, err := ReadParameterArg(arg, "-p #1")
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "the parameters file "+pipe+" is a named pipe") {
				t.Errorf("-p %s: %v", arg, err)
			}
		})
	}
}

func TestReadFileTooLargeNotRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(p, []byte(`{"x":"`+strings.Repeat("a", 5<<20)+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	src, ds, err := ReadFile(p)
	if err != nil || src != nil || len(ds) != 1 || ds[0].Code != CodeTooLarge {
		t.Fatalf("got %v %v %v", src, ds, err)
	}
}

func TestReadFileIn(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "root")
	const marker = "OUTSIDE-MARKER-51b2"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(top, "secret.json"), []byte(marker), 0o644))
	must(os.WriteFile(filepath.Join(root, "sub", "ok.json"), []byte(`{"a": 1}`), 0o644))
	must(os.Symlink("../secret.json", filepath.Join(root, "out.json")))
	must(os.Symlink("sub/ok.json", filepath.Join(root, "in.json")))
	must(syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644))
	for _, c := range []struct {
		name, root, rel string
		reason          LinkReason
	}{
		{"ok", root, "sub/ok.json", 0},
		{"symlink-inside", root, "in.json", 0},
		{"dotdot", root, "../secret.json", LinkOutside},
		{"absolute", root, filepath.Join(top, "secret.json"), LinkOutside},
		{"symlink-outside", root, "out.json", LinkOutside},
		{"fifo", root, "pipe", LinkNotRegular},
		{"directory", root, "sub", LinkNotRegular},
		{"missing", root, "nope.json", LinkNotFound},
		{"device", "/", "dev/zero", LinkNotRegular},
	} {
		t.Run(c.name, func(t *testing.T) {
			within(t, "ReadFileIn "+c.rel, func() {
				src, _, err := ReadFileIn(c.root, c.rel, c.rel)
				var le *LinkError
				switch {
				case c.reason == 0 && (err != nil || src == nil || src.Root == nil):
					t.Errorf("want the file, got %v", err)
				case c.reason != 0 && (!errors.As(err, &le) || le.Reason != c.reason):
					t.Errorf("want reason %d, got %v", c.reason, err)
				case err != nil && strings.Contains(err.Error(), marker):
					t.Errorf("the error shows the file: %v", err)
				}
			})
		})
	}
}
