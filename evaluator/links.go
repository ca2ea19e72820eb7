package evaluator

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Local template links are confined: a templateLink.relativePath resolves
// beside the file that links it and must stay inside the link root (the
// folder of the root template, or Options.ArtifactsRoot). Absolute paths,
// file:// URIs, "..", symbolic links out of the root, directories, named
// pipes, devices, sockets and files over templates.MaxFileSize are refused
// before anything is read, with a message that names the path as the
// template wrote it and never anything of the target.

// linkRoot is the folder local links must resolve inside.
func (e *Template) linkRoot() string {
	if e.opts.ArtifactsRoot != "" {
		return e.opts.ArtifactsRoot
	}
	t := e
	for t.parent != nil {
		t = t.parent
	}
	if t.T != nil && t.T.Source != nil {
		return filepath.Dir(t.T.Source.Name)
	}
	return "."
}

// linkFolderWords names the link root in messages without its path.
func (e *Template) linkFolderWords() string {
	if e.opts.ArtifactsRoot != "" {
		return "the --artifacts-root folder"
	}
	return "the template folder"
}

// refusedLink is why a templateLink is refused before any file is looked
// at: an absolute relativePath, or a file:// URI as relativePath or uri.
// It returns "" when the link may be looked up.
func (x *expansion) refusedLink(res *Resource, lv Value, path string) string {
	rule := "local template links are paths relative to the linking template that stay inside " + x.e.linkFolderWords() + "."
	if isFileURI(path) {
		return fmt.Sprintf("The linked template '%s' of deployment '%s' is refused: it is a file:// URI; %s", path, res.Name, rule)
	}
	if path != "" && isAbsolute(path) {
		return fmt.Sprintf("The linked template '%s' of deployment '%s' is refused: it is an absolute path; %s", path, res.Name, rule)
	}
	if u, ok := lv.Get("uri"); ok && path == "" {
		if s, _ := u.AsString(); isFileURI(s) {
			return fmt.Sprintf("The linked template '%s' of deployment '%s' is refused: armdeploy reads no file:// URI; %s", s, res.Name, rule)
		}
	}
	return ""
}

func isFileURI(s string) bool {
	return len(s) >= 5 && strings.EqualFold(s[:5], "file:")
}

// isAbsolute is true for a path absolute on this system or on another
// (a leading slash or backslash, a drive letter).
func isAbsolute(p string) bool {
	if filepath.IsAbs(p) || filepath.VolumeName(p) != "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) {
		return true
	}
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}

// readLink reads the file a relativePath names, from the folder of the
// file whose resource links it, inside the link root. The error completes
// "The linked template 'PATH' of deployment 'NAME' …".
func (x *expansion) readLink(r *templates.Resource, path string) (*templates.Source, diag.Diagnostics, error) {
	e := x.e
	if e.opts.NoLocalLinks {
		return nil, nil, errors.New("is refused: this deployment has no template folder, so it reads no local template link.")
	}
	root := e.linkRoot()
	from := filepath.Dir(r.Node.Source().Name)
	p := filepath.FromSlash(path)
	name := filepath.Join(from, p)
	folder := e.linkFolderWords()
	outside := fmt.Errorf("is refused: it resolves outside %s, which local template links must stay inside.", folder)
	rel, ok := relativeTo(root, from, p)
	if !ok {
		return nil, nil, outside
	}
	src, ds, err := templates.ReadFileIn(root, rel, name)
	var le *templates.LinkError
	if !errors.As(err, &le) {
		return src, ds, err
	}
	switch le.Reason {
	case templates.LinkOutside:
		return nil, nil, outside
	case templates.LinkAbsoluteSymlink:
		return nil, nil, fmt.Errorf("is refused: it is reached through an absolute symbolic link; symbolic links inside %s must be relative.", folder)
	case templates.LinkNotFound:
		return nil, nil, errors.New("cannot be read: the file does not exist.")
	case templates.LinkNotRegular:
		return nil, nil, fmt.Errorf("is refused: it is %s, not a regular file.", le.What)
	case templates.LinkTooLarge:
		return nil, nil, fmt.Errorf("is refused: %s.", le.Error())
	}
	return nil, nil, fmt.Errorf("cannot be read: %s.", le.Error())
}

// relativeTo is the path of from/p relative to root, with both folders
// resolved (symbolic links followed where they exist), and whether it
// stays inside root lexically. os.Root then checks the links below.
func relativeTo(root, from, p string) (string, bool) {
	rootDir, fromDir := realDir(root), realDir(from)
	rel, err := filepath.Rel(rootDir, filepath.Join(fromDir, p))
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return rel, true
}

func realDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}
