package arm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
)

// Template specs (Microsoft.Resources/templateSpecs and its versions),
// as 'az ts' manages them: a version stores the main template and the
// templates it links by relativePath (linkedTemplates[{path, template}]),
// so that a deployment's templateLink.id deploys it with its links.

const (
	typeTemplateSpecs       = "Microsoft.Resources/templateSpecs"
	typeTemplateSpecVersion = "Microsoft.Resources/templateSpecs/versions"
)

// templateSpecReader reads template spec versions for templateLink.id,
// as principal may read them.
func (s *Service) templateSpecReader(principal string) func(id string) (evaluator.Value, error) {
	return func(id string) (evaluator.Value, error) {
		ctx := context.Background()
		if principal != "" {
			if err := s.authorize(ctx, principal, "read", id); err != nil {
				return evaluator.Null, err
			}
		}
		var rd state.Reader = s.reader
		if s.store != nil {
			rd = s.store
		}
		r, err := rd.Resource(ctx, id)
		if errors.Is(err, state.ErrNotFound) || (err == nil && !strings.EqualFold(r.Type, typeTemplateSpecVersion)) {
			return evaluator.Null, evaluator.ErrTemplateSpecNotFound
		} else if err != nil {
			return evaluator.Null, err
		}
		return evaluator.ParseJSON(string(r.Body))
	}
}

// TemplateSpecRequest is 'az ts create': a template file stored as a
// version of a template spec in a resource group.
type TemplateSpecRequest struct {
	Principal          string
	SubscriptionID     string
	ResourceGroup      string
	Name, Version      string
	Location           string
	File               string
	Description        string
	VersionDescription string
	DisplayName        string
}

// TemplateSpecID is the id of a template spec, or of one of its versions
// when version is not "".
func TemplateSpecID(subscription, group, name, version string) string {
	id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", subscription, group, typeTemplateSpecs, name)
	if version != "" {
		id += "/versions/" + version
	}
	return id
}

// CreateTemplateSpec stores the spec (created when it does not exist) and
// the version, as PUTs of both resources, so that RBAC and the group's
// existence are checked as for any resource write. It returns the stored
// version.
func (s *Service) CreateTemplateSpec(ctx context.Context, req TemplateSpecRequest) (*state.Resource, error) {
	if req.Name == "" || req.Version == "" {
		return nil, badRequest("a template spec needs a name and a version")
	}
	main, linked, err := packTemplate(req.File)
	if err != nil {
		return nil, err
	}
	specID := TemplateSpecID(req.SubscriptionID, req.ResourceGroup, req.Name, "")
	location := req.Location
	cur, err := s.reader.Resource(ctx, specID)
	switch {
	case err == nil:
		if location == "" {
			location = cur.Location
		}
	case errors.Is(err, state.ErrNotFound):
		if location == "" {
			g, gerr := s.reader.Group(ctx, req.SubscriptionID, req.ResourceGroup)
			if errors.Is(gerr, state.ErrNotFound) {
				return nil, groupNotFound(req.ResourceGroup)
			} else if gerr != nil {
				return nil, gerr
			}
			location = g.Location
		}
		props := map[string]any{}
		if req.Description != "" {
			props["description"] = req.Description
		}
		if req.DisplayName != "" {
			props["displayName"] = req.DisplayName
		}
		body, _ := json.Marshal(map[string]any{"location": location, "properties": props})
		if _, err := s.PutResource(ctx, req.Principal, specID, evaluator.TemplateSpecAPIVersion, body); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	props := map[string]any{"mainTemplate": main}
	if len(linked) > 0 {
		props["linkedTemplates"] = linked
	}
	if req.VersionDescription != "" {
		props["description"] = req.VersionDescription
	}
	body, _ := json.Marshal(map[string]any{"location": location, "properties": props})
	return s.PutResource(ctx, req.Principal, specID+"/versions/"+req.Version, evaluator.TemplateSpecAPIVersion, body)
}

// linkedTemplate is one entry of a version's linkedTemplates.
type linkedTemplate struct {
	Path     string          `json:"path"`
	Template json.RawMessage `json:"template"`
}

// packTemplate reads a template file and, as az ts create does, every
// template it links by a literal relativePath, at every depth, from the
// template's folder (confined as local links are). Paths are relative to
// the main template's folder, with slashes.
func packTemplate(file string) (json.RawMessage, []linkedTemplate, error) {
	src, ds, err := templates.ReadFile(file)
	if errors.Is(err, templates.ErrNotRegular) {
		return nil, nil, badRequest("the template file %v", err)
	} else if err != nil {
		return nil, nil, badRequest("the template file %s cannot be read: %v", file, err)
	}
	if ds.HasErrors() || src == nil || src.Root == nil {
		return nil, nil, badRequest("the template file %s is not valid JSON or YAML", file)
	}
	root := filepath.Dir(file)
	main := sourceJSON(src)
	var linked []linkedTemplate
	seen := map[string]bool{}
	var walk func(n *templates.Node, from string) error
	walk = func(n *templates.Node, from string) error {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case templates.Object:
			for _, f := range n.Fields {
				if strings.EqualFold(f.Key, "templateLink") && f.Value.Kind == templates.Object {
					if rp := f.Value.Get("relativePath"); rp != nil && rp.Kind == templates.String && !strings.HasPrefix(rp.Str, "[") {
						if err := add(rp.Str, from, root, seen, &linked, walk); err != nil {
							return err
						}
					}
				}
				if err := walk(f.Value, from); err != nil {
					return err
				}
			}
		case templates.Array:
			for _, it := range n.Items {
				if err := walk(it, from); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(src.Root, ""); err != nil {
		return nil, nil, err
	}
	return main, linked, nil
}

// add packs the template rel links from the spec path from.
func add(rel, from, root string, seen map[string]bool, linked *[]linkedTemplate, walk func(*templates.Node, string) error) error {
	p := path.Clean(path.Join(path.Dir(from), filepath.ToSlash(rel)))
	if seen[strings.ToLower(p)] {
		return nil
	}
	seen[strings.ToLower(p)] = true
	src, ds, err := templates.ReadFileIn(root, filepath.FromSlash(p), filepath.Join(root, filepath.FromSlash(p)))
	var le *templates.LinkError
	if errors.As(err, &le) {
		return badRequest("the linked template '%s' cannot be packed: %v", rel, le)
	} else if err != nil {
		return err
	}
	if ds.HasErrors() || src == nil || src.Root == nil {
		return badRequest("the linked template '%s' is not valid JSON or YAML", rel)
	}
	*linked = append(*linked, linkedTemplate{Path: p, Template: sourceJSON(src)})
	return walk(src.Root, p)
}

func sourceJSON(src *templates.Source) json.RawMessage {
	b, _ := evaluator.NodeValue(src.Root).MarshalJSON()
	return b
}

// TemplateSpecs lists the template specs of a group (or, with name, the
// versions of that spec) that principal may read.
func (s *Service) TemplateSpecs(ctx context.Context, principal, subscription, group, name string) ([]*state.Resource, error) {
	f := ResourceFilter{SubscriptionID: subscription, ResourceGroup: group, Type: typeTemplateSpecs}
	if name != "" {
		if _, err := s.GetResource(ctx, principal, TemplateSpecID(subscription, group, name, "")); err != nil {
			return nil, err
		}
		f.Type, f.Parent = typeTemplateSpecVersion, TemplateSpecID(subscription, group, name, "")
	}
	return s.ListResources(ctx, principal, f)
}

// DeleteTemplateSpec deletes a version, or (version "") the spec with
// all its versions.
func (s *Service) DeleteTemplateSpec(ctx context.Context, principal, subscription, group, name, version string) error {
	if version != "" {
		return s.DeleteResource(ctx, principal, TemplateSpecID(subscription, group, name, version))
	}
	id := TemplateSpecID(subscription, group, name, "")
	if _, err := s.GetResource(ctx, principal, id); err != nil {
		return err
	}
	if err := s.authorize(ctx, principal, "delete", id); err != nil {
		return err
	}
	versions, err := s.ListResources(ctx, principal, ResourceFilter{SubscriptionID: subscription, ResourceGroup: group, Type: typeTemplateSpecVersion, Parent: id})
	if err != nil {
		return err
	}
	for _, v := range versions {
		if err := s.DeleteResource(ctx, principal, v.ID); err != nil {
			return err
		}
	}
	return s.DeleteResource(ctx, principal, id)
}

// loadSpecTemplate makes a request for a template spec version
// (Template.SpecID) a request for its main template, read from the store
// as the principal may read it.
func (s *Service) loadSpecTemplate(req *DeploymentRequest) error {
	id := req.Template.SpecID
	if id == "" || req.Template.Content != nil {
		return nil
	}
	body, err := s.templateSpecReader(req.Principal)(id)
	if errors.Is(err, evaluator.ErrTemplateSpecNotFound) {
		return &Error{Code: evaluator.CodeInvalidTemplateSpec, Status: 400,
			Message: fmt.Sprintf("Unable to retrieve the template content from the resource ID '%s'. Please see https://aka.ms/arm-deploy for usage details.", id)}
	} else if err != nil {
		return err
	}
	props, _ := body.Get("properties")
	main, ok := evaluator.SpecMainTemplate(props)
	if !ok {
		return &Error{Code: evaluator.CodeInvalidTemplateSpec, Status: 400,
			Message: fmt.Sprintf("The template spec version '%s' has no mainTemplate.", id)}
	}
	data, _ := main.MarshalJSON()
	var indented bytes.Buffer
	if json.Indent(&indented, data, "", "  ") == nil {
		data = indented.Bytes()
	}
	req.Template.Content = data
	req.Template.File = specFileName(id)
	req.Template.NoLocalLinks = true // its links are the spec's
	return nil
}

// specFileName names a template spec version's main template in messages:
// templateSpecs/NAME/versions/VERSION/mainTemplate.json.
func specFileName(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := range segs {
		if strings.EqualFold(segs[i], "templateSpecs") && i+1 < len(segs) {
			return path.Join(append([]string{"templateSpecs"}, append(segs[i+1:], "mainTemplate.json")...)...)
		}
	}
	return "mainTemplate.json"
}

// specNameOf is the template spec's name in a version id ("" for none).
func specNameOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := range segs {
		if strings.EqualFold(segs[i], "templateSpecs") && i+1 < len(segs) {
			return segs[i+1]
		}
	}
	return ""
}
