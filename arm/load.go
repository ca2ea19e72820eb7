package arm

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/schema"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Template is the template of a request and its parameters, in either of
// the forms front-ends have: a file with az's -p arguments (the CLI), or
// the template document and a parameters object (the REST API).
type Template struct {
	// File is the template's path; with Content empty it is read from
	// disk. Local template links resolve beside it.
	File string
	// Content is the template document when it does not come from a file
	// (File then only names it in messages).
	Content []byte
	// Parameters are az's -p arguments: @file.json, file.json, NAME=VALUE
	// or a JSON object; later ones win.
	Parameters []string
	// ParametersJSON is a parameters object {name: {value}} (REST).
	ParametersJSON []byte
	// LinkURI is deployment().properties.templateLink.uri (az's
	// --template-uri): relative links resolve against it. With File
	// empty the template is read from it, through ArtifactsMap; with
	// File set, File is the template published at LinkURI, so the URIs
	// beside LinkURI are the files beside File (inside the link root).
	LinkURI string
	// ArtifactsMap maps linked-template URIs to local folders
	// (--artifacts-map PREFIX=DIR).
	ArtifactsMap []evaluator.ArtifactMapping
	// SpecID is a template spec version to deploy (az's --template-spec):
	// the template is its mainTemplate, its relativePath links are the
	// version's linkedTemplates.
	SpecID string
	// ArtifactsRoot is the folder local template links must resolve
	// inside; "" means the folder of File.
	ArtifactsRoot string
	// NoLocalLinks refuses every local template link: for a template
	// that has no folder of its own (one a network client sent).
	NoLocalLinks bool
}

// Loaded is a template with its parameters, read and checked as far as can
// be without evaluating expressions, then (when those checks pass)
// evaluated. Front-ends render Diags against Sources.
type Loaded struct {
	Template *templates.Template
	Params   *templates.ParameterSet
	Sources  templates.Sources
	Diags    diag.Diagnostics
	order    []string // file names: the template, then each -p source
	// blocked is set when the checks before evaluation found errors:
	// evaluating would mostly repeat them in other words.
	blocked bool
	// checked delivers the template's schema check, which runs on its
	// own while the rest loads and the template evaluates (joinCheck
	// adds it); nil once joined or when there is none.
	checked chan diag.Diagnostics
	// secrets are the supplied secure values: no message may quote them.
	secrets []string
	// artifactsRoot and noLocalLinks confine local template links (see
	// Template).
	artifactsRoot string
	noLocalLinks  bool
	// artifactsMap is the request's mapping with the template's own
	// folder added for its LinkURI.
	artifactsMap []evaluator.ArtifactMapping
}

// load reads the template and every parameter argument and runs the checks
// that need no evaluation: syntax, schemas, segment lengths, limits and
// parameter values. It collects every problem; only I/O failures and
// malformed arguments are returned as errors.
func load(t *Template) (*Loaded, error) {
	l := &Loaded{Params: &templates.ParameterSet{}, Sources: templates.Sources{},
		artifactsRoot: t.ArtifactsRoot, noLocalLinks: t.NoLocalLinks}
	if t.ArtifactsRoot != "" {
		if fi, err := os.Stat(t.ArtifactsRoot); err != nil || !fi.IsDir() {
			return nil, badRequest("the artifacts root %s is not a folder", t.ArtifactsRoot)
		}
	}
	var src *templates.Source
	var ds diag.Diagnostics
	if t.File == "" && t.Content == nil && t.LinkURI != "" {
		dir, rel, ok := evaluator.ResolveArtifact(t.ArtifactsMap, t.LinkURI)
		if !ok {
			return nil, &Error{Code: evaluator.CodeInvalidContentLink, Status: 400,
				Message: evaluator.UnmappedLinkMessage(t.LinkURI)}
		}
		var err error
		t.File = filepath.Join(dir, rel)
		src, ds, err = templates.ReadFileIn(dir, rel, t.File)
		var le *templates.LinkError
		if errors.As(err, &le) {
			return nil, &Error{Code: evaluator.CodeInvalidContentLink, Status: 400,
				Message: fmt.Sprintf("Unable to download deployment content from '%s'. %s in the folder --artifacts-map maps it to.", withoutQuery(t.LinkURI), upperFirst(le.Error()))}
		} else if err != nil {
			return nil, err
		}
		if t.ArtifactsRoot == "" {
			// relativePath links of the template stay inside its mapping.
			l.artifactsRoot = dir
		}
	} else if t.Content != nil {
		src, ds = templates.Parse(t.File, t.Content)
	} else {
		var err error
		src, ds, err = templates.ReadFile(t.File)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, badRequest("the template file %s does not exist", t.File)
		} else if errors.Is(err, templates.ErrNotRegular) {
			return nil, badRequest("the template file %v", err)
		} else if err != nil {
			return nil, err
		}
	}
	l.artifactsMap = append(slices.Clone(t.ArtifactsMap), ownMapping(t, l.artifactsRoot)...)
	order := []string{t.File}
	l.Diags = append(l.Diags, ds...)
	l.Sources.Add(src)
	if src != nil && src.Root != nil {
		tm, more := templates.NewTemplate(src)
		l.Template = tm
		l.Diags = append(l.Diags, more...)
		l.checked = make(chan diag.Diagnostics, 1)
		go func() { l.checked <- schema.CheckTemplate(tm) }()
	}
	args := t.Parameters
	if len(t.ParametersJSON) > 0 {
		args = append([]string{string(t.ParametersJSON)}, args...)
	}
	for i, arg := range args {
		values, psrc, ds, err := templates.ReadParameterArg(arg, fmt.Sprintf("-p #%d", i+1))
		if errors.Is(err, templates.ErrUsage) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, templates.ErrNotRegular) {
			return nil, &Error{Code: "InvalidRequestContent", Message: err.Error(), Status: 400, BadRequest: true}
		} else if err != nil {
			return nil, err
		}
		l.Diags = append(l.Diags, ds...)
		if psrc != nil {
			order = append(order, psrc.Name)
			l.Sources.Add(psrc)
			if psrc.Root != nil && psrc.Root.Kind == templates.Object {
				l.Diags = append(l.Diags, schema.CheckParameterFile(psrc)...)
			}
		}
		l.Params.Add(values)
	}
	l.blocked = l.Template == nil || l.Diags.HasErrors()
	l.secrets = templates.RedactSecureValues(l.Template, l.Params)
	if l.Template != nil {
		pds := templates.CheckParameters(l.Template, l.Params)
		l.blocked = l.blocked || pds.HasErrors()
		l.Diags = append(l.Diags, pds...)
	}
	l.order = order
	l.add(nil)
	return l, nil
}

// checking reports whether the schema check is still to be joined.
func (l *Loaded) checking() bool { return l.checked != nil }

// joinCheck waits for the template's schema check and adds what it
// found: its errors block the template as the other checks' do. The
// diagnostics end in the order they would have had (see add: they are
// sorted by place, code and text).
func (l *Loaded) joinCheck() {
	if l.checked == nil {
		return
	}
	ds := <-l.checked
	l.checked = nil
	l.blocked = l.blocked || ds.HasErrors()
	l.add(ds)
}

// add appends diagnostics, keeping them deduplicated, in file order and
// quoting no secure value.
func (l *Loaded) add(ds diag.Diagnostics) {
	l.Diags = append(l.Diags, ds...)
	for i := range l.Diags {
		l.Diags[i].Message = diag.RedactText(l.Diags[i].Message, l.secrets)
	}
	l.Diags = l.Diags.Dedup()
	l.Diags.SortByFiles(l.order)
}

// ownMapping maps the folder of a template's LinkURI to the link root
// (the template file's folder, or the --artifacts-root folder that holds
// it), so that URIs beside the template's own are the files beside it.
// A template sent without a folder (NoLocalLinks) has none.
func ownMapping(t *Template, root string) []evaluator.ArtifactMapping {
	if t.LinkURI == "" || t.File == "" || t.NoLocalLinks {
		return nil
	}
	u, err := url.Parse(t.LinkURI)
	if err != nil || u.Scheme == "" {
		return nil
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = path.Dir(u.Path)
	fileDir := filepath.Dir(t.File)
	if root == "" {
		root = fileDir
	}
	rel, err := filepath.Rel(absDir(root), absDir(fileDir))
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return nil
	}
	if rel != "." {
		// the URI's folder ends with the file's path inside the root
		up := "/" + filepath.ToSlash(rel)
		if !strings.HasSuffix(strings.ToLower(u.Path), strings.ToLower(up)) {
			root = fileDir
		} else {
			u.Path = u.Path[:len(u.Path)-len(up)]
		}
	}
	return []evaluator.ArtifactMapping{{Prefix: strings.TrimSuffix(u.String(), "/") + "/", Dir: root}}
}

func absDir(d string) string {
	if a, err := filepath.Abs(d); err == nil {
		return a
	}
	return d
}

// withoutQuery is a URI without its query string (a SAS token).
func withoutQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
