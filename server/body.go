package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/armdeploy/armdeploy/arm"
)

// deploymentBody is the body of a deployment PUT, validate or whatIf.
type deploymentBody struct {
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties struct {
		Template       json.RawMessage `json:"template"`
		TemplateLink   json.RawMessage `json:"templateLink"`
		Parameters     json.RawMessage `json:"parameters"`
		ParametersLink json.RawMessage `json:"parametersLink"`
		Mode           string          `json:"mode"`
		// ValidationLevel is validate's and what-if's.
		ValidationLevel string `json:"validationLevel"`
		WhatIfSettings  struct {
			ResultFormat string `json:"resultFormat"`
		} `json:"whatIfSettings"`
		OnErrorDeployment *struct {
			Type string `json:"type"`
		} `json:"onErrorDeployment"`
	} `json:"properties"`
	// template is the template's text as sent: JSON, or az 2.45's JSONC
	// spliced in raw.
	template []byte
}

// parseDeploymentBody reads a deployment body: ordinary JSON, or the
// lenient body of az 2.45, whose JsonCTemplatePolicy splices the template
// file's text (comments and all) in as the last member of properties
// under the unquoted key template: everything before ", template:" plus
// "}}" is JSON, everything after it less the final "}}" is the template.
func parseDeploymentBody(b []byte) (*deploymentBody, error) {
	var d deploymentBody
	err := json.Unmarshal(b, &d)
	if err == nil {
		if len(d.Properties.Template) > 0 && string(d.Properties.Template) != "null" {
			d.template = d.Properties.Template
		}
		return &d, nil
	}
	head, tail, found := splitSplicedTemplate(b)
	if !found {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent",
			"The request content was invalid and could not be deserialized: '%v'.", err)
	}
	if err := json.Unmarshal(head, &d); err != nil {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent",
			"The request content was invalid and could not be deserialized: '%v'.", err)
	}
	d.template = tail
	return &d, nil
}

// splitSplicedTemplate finds az's ", template:" at the top level of the
// top-level "properties" object and returns the JSON head (closed with
// "}}") and the template text.
func splitSplicedTemplate(b []byte) (head, tail []byte, ok bool) {
	const marker = ", template:"
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(b); i++ {
		ch := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth == 2 && bytes.HasPrefix(b[i:], []byte(marker)) {
				head = append(append([]byte{}, b[:i]...), "}}"...)
				rest := bytes.TrimRight(b[i+len(marker):], " \t\r\n")
				if !bytes.HasSuffix(rest, []byte("}}")) {
					return nil, nil, false
				}
				return head, rest[:len(rest)-2], true
			}
		}
	}
	return nil, nil, false
}

// deploymentRequest reads the request body into the arm request for a
// deployment of name at sc.
func (c *call) deploymentRequest(sc arm.Scope, name string) (*arm.DeploymentRequest, error) {
	b, err := c.readBody()
	if err != nil {
		return nil, err
	}
	d, err := parseDeploymentBody(b)
	if err != nil {
		return nil, err
	}
	p := d.Properties
	if d.template == nil {
		if len(p.TemplateLink) > 0 && string(p.TemplateLink) != "null" {
			return nil, errorf(http.StatusBadRequest, "InvalidTemplateLink",
				"The template link cannot be followed: armdeploy serve runs offline and takes the template inline (properties.template).")
		}
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent",
			"The request content was invalid and could not be deserialized: 'properties.template is required'.")
	}
	if len(p.ParametersLink) > 0 && string(p.ParametersLink) != "null" {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent",
			"The parameters link cannot be followed: armdeploy serve runs offline and takes the parameters inline (properties.parameters).")
	}
	req := &arm.DeploymentRequest{Scope: sc, Name: name, Location: d.Location, Mode: p.Mode, Principal: c.principal,
		ValidationLevel: validationLevel(p.ValidationLevel),
		Template:        arm.Template{File: name + ".json", Content: d.template, NoLocalLinks: true}}
	if params := bytes.TrimSpace(p.Parameters); len(params) > 0 && string(params) != "null" && string(params) != "{}" {
		req.Template.ParametersJSON = params
	}
	req.WhatIf.IDsOnly = strings.EqualFold(p.WhatIfSettings.ResultFormat, "ResourceIdOnly")
	if p.OnErrorDeployment != nil && strings.EqualFold(p.OnErrorDeployment.Type, "LastSuccessful") {
		req.Apply.RollbackOnError = true
	}
	return req, nil
}

// validationLevel spells a validation level as arm does; "" stays "".
func validationLevel(v string) string {
	switch strings.ToLower(v) {
	case "template":
		return arm.ValidationTemplate
	case "provider":
		return arm.ValidationProvider
	case "providernorbac":
		return arm.ValidationProviderNoRbac
	}
	return ""
}
