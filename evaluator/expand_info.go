package evaluator

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
)

// references answers references(symbolicName): reference() of every
// instance of a copy loop of symbolic resources, in index order, without
// the instances whose condition is false. Any unknown instance makes the
// whole answer unknown.
func (e *Template) references(name string, full bool) (Value, error) {
	var decl *templates.Resource
	for _, r := range e.T.Resources {
		if r.SymbolicName != "" && strings.EqualFold(r.SymbolicName, name) {
			decl = r
		}
	}
	if decl == nil || decl.Copy == nil {
		return Null, fmt.Errorf("The template function 'references' expects the symbolic name of a resource copy loop; '%s' is not one.", name)
	}
	count, err := e.CopyCount(decl.Copy, siteResource)
	if err != nil {
		return Null, err
	}
	out := make([]Value, 0, count)
	for i := range count {
		err := e.WithLoop(decl.Copy.Name, i, true, func() error {
			if decl.Condition != nil {
				c, err := e.Eval(decl.Condition)
				if err != nil {
					return err
				}
				if b, ok := c.AsBool(); ok && !b {
					return nil
				}
			}
			nv, err := e.Eval(decl.Name)
			if err != nil {
				return err
			}
			n, _ := nv.AsString()
			x := &expansion{e: e, loops: map[string]bool{}}
			id, _, _, err := x.placement(decl, decl.FullType, n)
			if err != nil {
				return err
			}
			v, err := nestedResolver{e}.Reference(id, decl.APIVersion, full)
			out = append(out, v)
			return err
		})
		if err != nil {
			return Null, err
		}
	}
	for _, v := range out {
		if v.HasUnknown() {
			return UnknownValue(fmt.Sprintf("references('%s')", name)), nil
		}
	}
	return Array(out), nil
}

// resourceInfo answers resourceInfo(symbolicName) from the declaration:
// the id, name, type and apiVersion ARM knows before anything is deployed.
func (e *Template) resourceInfo(name string) (Value, error) {
	var decl *templates.Resource
	for _, r := range e.T.Resources {
		if r.SymbolicName != "" && strings.EqualFold(r.SymbolicName, name) {
			decl = r
		}
	}
	if decl == nil {
		return Null, fmt.Errorf("The template function 'resourceInfo' expects the symbolic name of a resource; '%s' is not one.", name)
	}
	if decl.Copy != nil {
		return Null, fmt.Errorf("The template function 'resourceInfo' cannot take the copy loop '%s'; use resourceId() with the instance's name.", name)
	}
	nv, err := e.Eval(decl.Name)
	if err != nil {
		return Null, err
	}
	rname, _ := nv.AsString()
	if u, ok := nv.AsUnknown(); ok {
		rname = "[" + u.Expr + "]"
	}
	x := &expansion{e: e, loops: map[string]bool{}}
	id, _, _, err := x.placement(decl, decl.FullType, rname)
	if err != nil {
		return Null, err
	}
	apiVersion := decl.APIVersion
	if templates.IsExpression(apiVersion) {
		av, err := e.Eval(decl.Node.Get("apiVersion"))
		if err != nil {
			return Null, err
		}
		apiVersion, _ = av.AsString()
	}
	r := &Resource{ID: id, Name: rname, Type: decl.FullType, APIVersion: apiVersion}
	info := NewObject(4)
	info.Set("id", String(r.ID))
	info.Set("name", String(r.Name))
	info.Set("type", String(r.Type))
	info.Set("apiVersion", String(r.APIVersion))
	return ObjectValue(info), nil
}
