package templates

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// ErrNotRegular marks a template or parameter file that is not a regular
// file (a directory, named pipe, device or socket): it is refused before it
// is opened, so a named pipe cannot block and a device is never read.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError is the error of a path that is not a regular file. It
// names the path and what it is, never anything read from it.
type NotRegularError struct {
	Path string
	// What is what the file is instead: "a directory", "a named pipe
	// (FIFO)", "a device", "a socket" or "not a regular file".
	What string
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.What)
}

func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// fileKind says what a non-regular file is, in words.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// readOpened checks that f is the regular file fi described (nothing was
// swapped in since) and reads at most MaxFileSize+1 bytes of it.
func readOpened(f *os.File, path string, fi fs.FileInfo) ([]byte, diag.Diagnostics, error) {
	now, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !now.Mode().IsRegular() || !os.SameFile(fi, now) {
		return nil, nil, &NotRegularError{Path: path, What: fileKind(now.Mode())}
	}
	if now.Size() > MaxFileSize {
		return nil, diag.Diagnostics{tooLarge(path, now.Size())}, nil
	}
	// Sized as the file says (and a read more, to see it end or grow):
	// no doubling copies of a large template.
	var buf bytes.Buffer
	buf.Grow(int(now.Size()) + bytes.MinRead)
	_, err = buf.ReadFrom(io.LimitReader(f, MaxFileSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, diag.Diagnostics{tooLarge(path, -1)}, nil
	}
	return data, nil, nil
}

// LinkReason is why [ReadFileIn] refused a file.
type LinkReason int

const (
	// LinkOutside: the path leaves the root folder (.., an absolute path,
	// or a symbolic link that points out of it).
	LinkOutside LinkReason = iota + 1
	// LinkAbsoluteSymlink: a symbolic link on the way is absolute, which
	// the root does not follow even when it points inside.
	LinkAbsoluteSymlink
	// LinkNotFound: nothing is at the path.
	LinkNotFound
	// LinkNotRegular: a directory, named pipe, device or socket.
	LinkNotRegular
	// LinkTooLarge: more than MaxFileSize bytes.
	LinkTooLarge
	// LinkUnreadable: any other failure (permissions, I/O).
	LinkUnreadable
)

// LinkError is why a confined read ([ReadFileIn]) was refused. It carries
// the reason and, for some reasons, what the file is or its size; never
// anything read from the file, nor the path it resolves to.
type LinkError struct {
	Reason LinkReason
	What   string // LinkNotRegular: what the file is
	Size   int64  // LinkTooLarge: the size, -1 when unknown
	Err    error  // LinkUnreadable: the cause
}

func (e *LinkError) Error() string {
	switch e.Reason {
	case LinkOutside:
		return "it resolves outside the template folder"
	case LinkAbsoluteSymlink:
		return "it is reached through an absolute symbolic link; links inside the template folder must be relative"
	case LinkNotFound:
		return "the file does not exist"
	case LinkNotRegular:
		return fmt.Sprintf("it is %s, not a regular file", e.What)
	case LinkTooLarge:
		if e.Size >= 0 {
			return fmt.Sprintf("the file has %d bytes, more than the 4 MB (%d bytes) a template may have", e.Size, MaxFileSize)
		}
		return fmt.Sprintf("the file has more than the 4 MB (%d bytes) a template may have", MaxFileSize)
	}
	if pe := (*fs.PathError)(nil); errors.As(e.Err, &pe) {
		return pe.Err.Error() // the cause only: the path is the caller's to name
	}
	return "it cannot be read"
}

func (e *LinkError) Unwrap() error { return e.Err }

// ReadFileIn reads and parses the file rel inside the folder root, and
// nothing outside it: rel must be a local path (no "..", not absolute),
// every symbolic link on the way must stay inside root (os.Root enforces
// it, also against links swapped in while reading), and the file must be a
// regular file of at most [MaxFileSize] bytes, checked before it is opened
// (so a named pipe never blocks and a device is never read). name is the
// source's name in diagnostics.
//
// A refusal is a *[LinkError]; its message never quotes the file. Once
// the file is read, its syntax errors are diagnostics as for [ReadFile]:
// the file is inside the user's folder.
func ReadFileIn(root, rel, name string) (*Source, diag.Diagnostics, error) {
	if !filepath.IsLocal(rel) {
		return nil, nil, &LinkError{Reason: LinkOutside}
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, nil, &LinkError{Reason: LinkUnreadable, Err: err}
	}
	defer r.Close()
	fi, err := r.Stat(rel)
	if err != nil {
		return nil, nil, classifyLink(root, rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &LinkError{Reason: LinkNotRegular, What: fileKind(fi.Mode())}
	}
	if fi.Size() > MaxFileSize {
		return nil, nil, &LinkError{Reason: LinkTooLarge, Size: fi.Size()}
	}
	f, err := r.OpenFile(rel, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, classifyLink(root, rel, err)
	}
	defer f.Close()
	data, ds, err := readOpened(f, name, fi)
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, nil, &LinkError{Reason: LinkNotRegular, What: nr.What}
	case err != nil:
		return nil, nil, &LinkError{Reason: LinkUnreadable, Err: err}
	case ds != nil:
		return nil, nil, &LinkError{Reason: LinkTooLarge, Size: -1}
	}
	src, ds := Parse(name, data)
	return src, ds, nil
}

// classifyLink turns an error of os.Root into a reason. os.Root does not
// say why it refused a path; a refusal that is not a missing file or a
// permission is an escape, told apart from an absolute symbolic link
// inside the root by resolving the path lexically.
func classifyLink(root, rel string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &LinkError{Reason: LinkNotFound, Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &LinkError{Reason: LinkUnreadable, Err: err}
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	realRoot, rerr := filepath.EvalSymlinks(root)
	target, terr := filepath.EvalSymlinks(filepath.Join(root, rel))
	if rerr == nil && terr == nil {
		if r, err := filepath.Rel(realRoot, target); err == nil && filepath.IsLocal(r) {
			return &LinkError{Reason: LinkAbsoluteSymlink}
		}
		return &LinkError{Reason: LinkOutside}
	}
	if strings.Contains(err.Error(), "escapes") {
		return &LinkError{Reason: LinkOutside} // a link out of the root to nothing
	}
	return &LinkError{Reason: LinkUnreadable, Err: err}
}
