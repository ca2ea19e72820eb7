package evaluator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// OutputValue is an evaluated template output.
type OutputValue struct {
	Name string
	// Type is the declared type as ARM echoes it ("String", "Int",
	// "SecureString", ...).
	Type  string
	Value Value
	// Secure outputs carry no value: ARM never returns them.
	Secure bool
}

// TypeName is the casing ARM uses when it echoes a declared type.
func TypeName(t string) string {
	switch strings.ToLower(t) {
	case "securestring":
		return "SecureString"
	case "secureobject":
		return "SecureObject"
	case "":
		return "Object"
	}
	return strings.ToUpper(t[:1]) + strings.ToLower(t[1:])
}

// CheckValues evaluates every parameter and variable once and returns every
// error, each at its place in the file. Values are cached for later use.
func (e *Template) CheckValues() diag.Diagnostics {
	var ds diag.Diagnostics
	seen := map[string]bool{}
	add := func(err error, target string) {
		d := Diagnostic(err)
		key := d.Range.String() + d.Message
		if seen[key] {
			return
		}
		seen[key] = true
		if !Derived(err) || d.Target == "" {
			d.Target = target
		}
		ds = append(ds, d)
	}
	for _, p := range e.T.Parameters {
		if _, err := e.Parameter(p.Name); err != nil {
			add(err, "parameters."+p.Name)
		}
	}
	for _, v := range e.T.Variables {
		if _, err := e.Variable(v.Name); err != nil {
			var ce *cycleError
			if errors.As(err, &ce) {
				d := Diagnostic(err)
				d.Range, d.Target = v.KeyRange, "variables."+v.Name
				if !seen[d.Message] {
					seen[d.Message] = true
					ds = append(ds, d)
				}
				continue
			}
			add(err, "variables."+v.Name)
		}
	}
	return ds
}

// Outputs evaluates the outputs in template order: a false condition leaves
// an output out, a copy loop makes it an array, and the value must fit the
// declared type (unknown values pass). Every failing output is reported.
func (e *Template) Outputs() ([]OutputValue, diag.Diagnostics) {
	out, ds, _ := e.outputs()
	return out, ds
}

// outputs is Outputs with the names of the outputs that failed.
func (e *Template) outputs() ([]OutputValue, diag.Diagnostics, []string) {
	var out []OutputValue
	var ds diag.Diagnostics
	var failed []string
	for _, o := range e.T.Outputs {
		v, ok, err := e.output(o)
		if err != nil {
			failed = append(failed, o.Name)
			d := Diagnostic(err)
			if !Derived(err) {
				d.Target = "outputs." + o.Name
			}
			ds = append(ds, d)
			continue
		}
		if !ok {
			continue
		}
		ov := OutputValue{Name: o.Name, Type: TypeName(o.Type), Secure: o.IsSecure()}
		if !ov.Secure {
			ov.Value = v
		}
		out = append(out, ov)
	}
	return out, ds, failed
}

// DeployedOutputs evaluates the outputs once every resource of the
// deployment exists, as Azure does when the deployment ends: a value that
// is still unknown then (a function armdeploy cannot answer offline) is an
// error of its output, never expression text in the record.
func (e *Template) DeployedOutputs() ([]OutputValue, diag.Diagnostics) {
	out, ds := e.Outputs()
	kept := out[:0]
	for _, ov := range out {
		if _, expr, ok := FirstUnknown(ov.Value); ok {
			var at *templates.Node
			for _, o := range e.T.Outputs {
				if o.Name == ov.Name {
					if at = o.Value; at == nil {
						at = o.TypeSpec.Node
					}
				}
			}
			d := Diagnostic(&nodeError{n: at, msg: fmt.Sprintf("The template output '%s' is not valid: the value of '[%s]' is known only to Azure and armdeploy cannot compute it offline.", ov.Name, expr)})
			d.Target = "outputs." + ov.Name
			ds = append(ds, d)
			continue
		}
		kept = append(kept, ov)
	}
	return kept, ds
}

func (e *Template) output(o *templates.Output) (Value, bool, error) {
	if o.Condition != nil {
		c, err := e.eval(o.Condition, siteOutput)
		if err != nil {
			return Null, false, err
		}
		if b, isBool := c.AsBool(); isBool && !b {
			return Null, false, nil
		} else if !isBool && !c.IsUnknown() {
			return Null, false, &nodeError{n: o.Condition, msg: fmt.Sprintf("The condition of output '%s' must be a boolean; it evaluated to a value of type '%s'.", o.Name, c.Kind())}
		}
	}
	var v Value
	var err error
	if o.Copy != nil {
		v, err = e.copyArray(o.Copy, siteOutput, true)
	} else {
		v, err = e.eval(o.Value, siteOutput)
	}
	if err != nil {
		return Null, false, err
	}
	if v.HasUnknown() || v.IsNull() && o.IsNullable() {
		return v, true, nil
	}
	at := o.Value
	if at == nil {
		at = o.TypeSpec.Node
	}
	if o.Ref == "" && !kindFits(o.BaseType(), v) {
		return Null, false, &nodeError{n: at, msg: fmt.Sprintf("The template output '%s' is not valid: Template output JToken type is not valid. Expected '%s'. Actual '%s'.", o.Name, jtokenName(o.BaseType()), v.Kind())}
	}
	if err := e.checkType(&o.TypeSpec, v, at, "The template output '"+o.Name+"' is not valid."); err != nil {
		return Null, false, err
	}
	return v, true, nil
}

func jtokenName(base string) string {
	switch base {
	case "int":
		return "Integer"
	case "bool":
		return "Boolean"
	}
	return TypeName(base)
}
