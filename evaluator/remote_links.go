package evaluator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
)

// Linked templates by URI and template spec. armdeploy fetches nothing: a
// templateLink.uri (or a relativePath under a template that came from a
// URI) is read from the local folder an [ArtifactMapping] gives for its
// prefix, confined to that folder as local links are to theirs (see
// links.go); a templateLink.id names a template spec version in the
// store. A link that cannot be resolved is an error (InvalidContentLink,
// InvalidTemplateSpec), never a skipped deployment.

// CodeInvalidContentLink is ARM's code for a linked template it cannot
// download.
const CodeInvalidContentLink = "InvalidContentLink"

// CodeInvalidTemplateSpec is ARM's code for a template spec version whose
// content it cannot retrieve.
const CodeInvalidTemplateSpec = "InvalidTemplateSpec"

// ArtifactMapping maps the URIs under Prefix to the files under Dir:
// PREFIX/a/b.json is Dir/a/b.json. Dir is the root of the mapping: no
// link read through it leaves it.
type ArtifactMapping struct {
	Prefix string
	Dir    string
}

// ParseArtifactMapping reads PREFIX=DIR (as --artifacts-map gives it).
// The prefix is an http(s) URI and is completed with a trailing slash.
func ParseArtifactMapping(s string) (ArtifactMapping, error) {
	i := strings.Index(s, "=")
	if i <= 0 || i == len(s)-1 {
		return ArtifactMapping{}, fmt.Errorf("the artifacts mapping %q is not PREFIX=DIR", s)
	}
	prefix, dir := s[:i], s[i+1:]
	u, err := url.Parse(prefix)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ArtifactMapping{}, fmt.Errorf("the prefix %q of the artifacts mapping is not an https:// URI", prefix)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return ArtifactMapping{}, fmt.Errorf("the prefix %q of the artifacts mapping has a query string; give the URI without it", prefix)
	}
	return ArtifactMapping{Prefix: prefix, Dir: dir}, nil
}

// FileURI is the file:// URI of a local path (made absolute).
func FileURI(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// canonicalURI parses a link URI for mapping: scheme and host lower-cased,
// query string (a SAS token) and fragment dropped, "." and ".." segments
// resolved. ok is false for what is not an absolute URI, or a path that
// climbs above its root.
func canonicalURI(s string) (scheme, host string, segs []string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return "", "", nil, false
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	var out []string
	parts := strings.Split(p[1:], "/")
	for i, seg := range parts {
		switch seg {
		case ".":
			if i == len(parts)-1 {
				out = append(out, "")
			}
			continue
		case "..":
			if len(out) == 0 {
				return "", "", nil, false
			}
			out = out[:len(out)-1]
			if i == len(parts)-1 {
				out = append(out, "")
			}
			continue
		}
		out = append(out, seg)
	}
	return strings.ToLower(u.Scheme), strings.ToLower(u.Host), out, true
}

// mapped is a link URI resolved through a mapping.
type mapped struct {
	m   ArtifactMapping
	rel string // slash-separated, inside m.Dir
}

// resolveArtifact finds the mapping with the longest prefix that holds
// uri. escapes is true when the URI is under a prefix but its path leaves
// it (an empty segment, a backslash, a NUL).
func resolveArtifact(maps []ArtifactMapping, uri string) (hit mapped, found, bad bool) {
	scheme, host, segs, ok := canonicalURI(uri)
	if !ok {
		return mapped{}, false, false
	}
	best := -1
	for _, m := range maps {
		ps, ph, psegs, ok := canonicalURI(m.Prefix)
		if !ok || ps != scheme || ph != host {
			continue
		}
		if n := len(psegs); n > 0 && psegs[n-1] == "" {
			psegs = psegs[:n-1] // a trailing slash
		}
		if len(psegs) >= len(segs) || len(psegs) <= best {
			continue
		}
		match := true
		for i, s := range psegs {
			// A prefix's path matches in any case (GitHub's owner and
			// repository names, as raw.githubusercontent.com serves
			// them); the rest names files, as the file system does.
			if !strings.EqualFold(s, segs[i]) {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		best = len(psegs)
		hit = mapped{m: m, rel: strings.Join(segs[len(psegs):], "/")}
	}
	if best < 0 {
		return mapped{}, false, false
	}
	for _, s := range strings.Split(hit.rel, "/") {
		if s == "" || strings.ContainsAny(s, "\\\x00") {
			return hit, true, true
		}
	}
	return hit, true, false
}

// ResolveArtifact is the local file a URI maps to: the mapping's folder
// and the path inside it. ok is false when no mapping holds the URI or its
// path does not name a file inside the mapping's folder.
func ResolveArtifact(maps []ArtifactMapping, uri string) (dir, rel string, ok bool) {
	hit, found, bad := resolveArtifact(maps, uri)
	if !found || bad {
		return "", "", false
	}
	return hit.m.Dir, filepath.FromSlash(hit.rel), true
}

// withoutQuery is a URI as messages quote it: without its query string,
// which holds SAS tokens.
func withoutQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// mapHint suggests the flag that would map uri: its folder as the prefix.
func mapHint(uri string) string {
	u := withoutQuery(uri)
	if scheme, host, segs, ok := canonicalURI(uri); ok && len(segs) > 0 {
		u = scheme + "://" + host + "/" + strings.Join(append(segs[:len(segs)-1:len(segs)-1], ""), "/")
	}
	return fmt.Sprintf("armdeploy reads linked templates offline: map the URI to a local folder with --artifacts-map '%s=DIR' (or an artifacts-map entry in .armdeploy/config.yaml)", u)
}

// contentLinkError is ARM's InvalidContentLink for a URI, with why.
func contentLinkError(uri, why string) string {
	return fmt.Sprintf("Unable to download deployment content from '%s'. %s.", withoutQuery(uri), why)
}

// linkOrigin is where a template source came from, for resolving the
// relativePath links in it.
type linkOrigin struct {
	// uri is the URI the source was read from (or that
	// deployment().properties.templateLink.uri gives the root); "" for
	// none.
	uri string
	// local is set for files of the local link root (the root template
	// and its relativePath links): relativePath resolves beside them
	// when no mapping holds the URI.
	local bool
	// spec and specPath are set for a template of a template spec
	// version: relativePath resolves among its linked templates.
	spec     *templateSpec
	specPath string
}

// linkTable records the origin of every source a deployment read, shared
// by the root template and its nested ones.
type linkTable struct {
	origins map[*templates.Source]linkOrigin
	specs   map[string]*templateSpec
}

func (e *Template) links() *linkTable {
	if e.opts.links == nil {
		e.opts.links = &linkTable{origins: map[*templates.Source]linkOrigin{}, specs: map[string]*templateSpec{}}
	}
	return e.opts.links
}

// origin is where src came from; an unrecorded source is the root's
// (or an inline template inside it).
func (e *Template) origin(src *templates.Source) linkOrigin {
	if o, ok := e.links().origins[src]; ok {
		return o
	}
	root := e
	for root.parent != nil {
		root = root.parent
	}
	if id := root.opts.Deployment.TemplateLinkID; id != "" && root.opts.Deployment.TemplateLinkURI == "" {
		// the root template is a template spec version's (--template-spec)
		if spec, err := e.rootSpec(id); err == nil {
			return linkOrigin{spec: spec}
		}
	}
	return linkOrigin{uri: root.opts.Deployment.TemplateLinkURI, local: true}
}

// rootSpec is the template spec version the root template came from.
func (e *Template) rootSpec(id string) (*templateSpec, error) {
	t := e.links()
	if s, ok := t.specs[strings.ToLower(id)]; ok {
		return s, nil
	}
	if e.opts.TemplateSpec == nil {
		return nil, specError(id)
	}
	body, err := e.opts.TemplateSpec(id)
	if err != nil {
		return nil, err
	}
	return t.addSpec(id, body)
}

// addSpec records the template spec version id of body (its stored
// resource).
func (t *linkTable) addSpec(id string, body Value) (*templateSpec, error) {
	props, _ := body.Get("properties")
	main, ok := SpecMainTemplate(props)
	if !ok || main.Kind() != KindObject {
		return nil, specError(id)
	}
	spec := &templateSpec{id: id, name: specName(id), linked: map[string]Value{}, sources: map[string]*templates.Source{}}
	spec.main = specSource(spec.name+"/mainTemplate.json", main)
	if lts, ok := props.Get("linkedTemplates"); ok {
		items, _ := lts.AsArray()
		for _, it := range items {
			p, _ := it.Get("path")
			ps, _ := p.AsString()
			tv, ok := it.Get("template")
			if ps != "" && ok {
				spec.linked[specKey(ps)] = tv
			}
		}
	}
	t.specs[strings.ToLower(id)] = spec
	t.origins[spec.main] = linkOrigin{spec: spec}
	return spec, nil
}

// resolveRelative resolves a relativePath against a URI as Azure does
// (the parent's query string is not kept: armdeploy drops it anyway).
func resolveRelative(base, rel string) (string, bool) {
	b, err := url.Parse(base)
	if err != nil || b.Scheme == "" {
		return "", false
	}
	b.RawQuery, b.Fragment = "", ""
	r, err := url.Parse(filepath.ToSlash(rel))
	if err != nil {
		return "", false
	}
	return b.ResolveReference(r).String(), true
}

// readMapped reads the linked template uri through the artifacts map. msg
// is the error's message when it cannot be read (code says which).
func (x *expansion) readMapped(uri string) (src *templates.Source, code, msg string) {
	maps := x.e.opts.ArtifactsMap
	hit, found, bad := resolveArtifact(maps, uri)
	if !found {
		if u, err := url.Parse(strings.TrimSpace(uri)); err == nil && u.Host != "" {
			if _, _, _, ok := canonicalURI(uri); !ok {
				return nil, CodeInvalidContentLink, contentLinkError(uri, "Its path climbs above the root of the host with '..'")
			}
		}
		if scheme, host, _, ok := canonicalURI(uri); !ok || host == "" && scheme != "file" {
			return nil, CodeInvalidContentLink, contentLinkError(uri, "It is not an absolute https:// URI")
		}
		return nil, CodeInvalidContentLink, contentLinkError(uri, mapHint(uri))
	}
	where := fmt.Sprintf("the folder --artifacts-map maps '%s' to", hit.m.Prefix)
	if bad {
		return nil, CodeInvalidContentLink, contentLinkError(uri, "Its path does not name a file inside "+where)
	}
	rel := filepath.FromSlash(hit.rel)
	name := filepath.Join(hit.m.Dir, rel)
	src, ds, err := templates.ReadFileIn(hit.m.Dir, rel, name)
	var le *templates.LinkError
	if errors.As(err, &le) {
		var why string
		switch le.Reason {
		case templates.LinkOutside:
			why = "It is refused: it resolves outside " + where + ", which linked templates read through it must stay inside"
		case templates.LinkAbsoluteSymlink:
			why = "It is refused: it is reached through an absolute symbolic link; symbolic links inside " + where + " must be relative"
		case templates.LinkNotFound:
			why = "The file does not exist in " + where
		case templates.LinkNotRegular:
			why = fmt.Sprintf("It is refused: it is %s in %s, not a regular file", le.What, where)
		case templates.LinkTooLarge:
			why = "It is refused: " + le.Error()
		default:
			why = "It cannot be read from " + where + ": " + le.Error()
		}
		return nil, CodeInvalidContentLink, contentLinkError(uri, why)
	} else if err != nil {
		return nil, CodeInvalidContentLink, contentLinkError(uri, "It cannot be read: "+err.Error())
	}
	x.ds = append(x.ds, ds...)
	if src != nil {
		x.e.links().origins[src] = linkOrigin{uri: uri}
	}
	return src, "", ""
}

// templateSpec is a template spec version as the store holds it.
type templateSpec struct {
	id      string
	name    string // NAME/versions/VERSION, for source names
	main    *templates.Source
	linked  map[string]Value // by cleaned, lower-cased path
	sources map[string]*templates.Source
}

// TemplateSpecAPIVersion is the api-version template spec versions are
// read with.
const TemplateSpecAPIVersion = "2022-02-01"

// ErrTemplateSpecNotFound is what Options.TemplateSpec returns for a
// template spec version the store does not hold.
var ErrTemplateSpecNotFound = errors.New("template spec version not found")

// loadSpec reads the template spec version id. unknown is true when it
// cannot be known before the deployment runs (it is created by it).
func (x *expansion) loadSpec(id string) (spec *templateSpec, unknown bool, err error) {
	t := x.e.links()
	if s, ok := t.specs[strings.ToLower(id)]; ok {
		return s, false, nil
	}
	var body Value
	if read := x.e.opts.TemplateSpec; read != nil {
		body, err = read(id)
		if errors.Is(err, ErrTemplateSpecNotFound) {
			if x.declares(id) {
				return nil, true, nil
			}
			return nil, false, specError(id)
		}
	} else if x.e.opts.Resolver != nil {
		body, err = x.e.opts.Resolver.Reference(id, TemplateSpecAPIVersion, true)
	} else {
		return nil, false, specError(id)
	}
	if err != nil {
		return nil, false, err
	}
	if body.IsUnknown() {
		return nil, true, nil
	}
	spec, err = t.addSpec(id, body)
	return spec, false, err
}

// declares reports whether this template declares the resource id (a
// template spec version created earlier in the same deployment).
func (x *expansion) declares(id string) bool {
	for _, r := range x.out {
		if strings.EqualFold(r.ID, id) {
			return true
		}
	}
	return false
}

func specError(id string) error {
	return &linkError{code: CodeInvalidTemplateSpec, msg: fmt.Sprintf("Unable to retrieve the template content from the resource ID '%s'. Please see https://aka.ms/arm-deploy for usage details.", id)}
}

// linkError is a linked template that cannot be read, with ARM's code.
type linkError struct{ code, msg string }

func (e *linkError) Error() string { return e.msg }

// indentJSON indents compact JSON (it is returned as is when it is not).
func indentJSON(data []byte) []byte {
	var b bytes.Buffer
	if json.Indent(&b, data, "", "  ") != nil {
		return data
	}
	return b.Bytes()
}

// specName is NAME/versions/VERSION of a template spec version id.
func specName(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := range segs {
		if strings.EqualFold(segs[i], "templateSpecs") && i+1 < len(segs) {
			return "templateSpecs/" + strings.Join(segs[i+1:], "/")
		}
	}
	return id
}

func specKey(p string) string {
	p = path.Clean(strings.ReplaceAll(p, `\`, "/"))
	return strings.ToLower(strings.TrimPrefix(p, "./"))
}

// specSource turns a template held in a spec into a source, indented so
// that diagnostics point at lines.
func specSource(name string, v Value) *templates.Source {
	data, _ := v.MarshalJSON()
	src, _ := templates.Parse(name, indentJSON(data))
	return src
}

// linkedInSpec is the spec's linked template at path rel beside the
// template at from (a path inside the spec; "" for the main template).
func (x *expansion) linkedInSpec(spec *templateSpec, from, rel string) (*templates.Source, bool) {
	p := path.Join(path.Dir(from), strings.ReplaceAll(rel, `\`, "/"))
	key := specKey(p)
	if src, ok := spec.sources[key]; ok {
		return src, true
	}
	v, ok := spec.linked[key]
	if !ok {
		return nil, false
	}
	src := specSource(spec.name+"/"+p, v)
	spec.sources[key] = src
	x.e.links().origins[src] = linkOrigin{spec: spec, specPath: p}
	return src, true
}

// SpecPaths lists the linked template paths of a spec version body, for
// messages.
func specPaths(spec *templateSpec) []string {
	var out []string
	for k := range spec.linked {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// UnmappedLinkMessage is the InvalidContentLink message of a URI that no
// artifacts mapping holds, naming the --artifacts-map that would map it.
func UnmappedLinkMessage(uri string) string { return contentLinkError(uri, mapHint(uri)) }

// SpecMainTemplate is the template of a template spec version's
// properties: mainTemplate, or template in the api-versions before
// 2021-05-01 (2019-06-01-preview), which the gallery's templatespec
// samples still use.
func SpecMainTemplate(props Value) (Value, bool) {
	if main, ok := props.Get("mainTemplate"); ok {
		return main, true
	}
	return props.Get("template")
}
