package arm

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/templates"
)

// rollback deploys the scope's last successful deployment again, with its
// template and its (non-secure) parameter values, as ARM's
// --rollback-on-error does.
func (s *Service) rollback(ctx context.Context, req *DeploymentRequest, failed *DeploymentResult) {
	history, err := s.store.Deployments(ctx, req.Scope)
	if err != nil {
		failed.RollbackErr = err
		return
	}
	var last = -1
	for i, d := range history {
		if d.Status == "Succeeded" && len(d.Template) > 0 &&
			!(strings.EqualFold(d.Name, failed.Record.Name) && d.Started.Equal(failed.Record.Started)) {
			last = i
			break
		}
	}
	if last < 0 {
		failed.RollbackErr = errors.New("the group has no earlier successful deployment to roll back to")
		return
	}
	d := history[last]
	if req.Apply.OnRollback != nil {
		req.Apply.OnRollback(d.Name)
	}
	again := *req
	again.Name = d.Name
	again.Template = Template{File: filepath.Join(filepath.Dir(req.Template.File), d.TemplateName), Content: d.Template,
		ParametersJSON: rollbackParameters(d.Parameters),
		ArtifactsRoot:  req.Template.ArtifactsRoot, NoLocalLinks: req.Template.NoLocalLinks, ArtifactsMap: req.Template.ArtifactsMap}
	again.Apply.RollbackOnError = false
	again.Apply.OnStart = nil
	res, err := s.CreateOrUpdate(ctx, &again)
	failed.Rollback = res
	switch {
	case err != nil:
		failed.RollbackErr = err
	case res.Status() != "Succeeded":
		failed.RollbackErr = errors.New("the rollback deployment failed too")
	}
}

// rollbackParameters turns a deployment's recorded parameters ({name:
// {type, value}}) into a parameters object; secure values were never
// recorded, so those parameters fall back to their defaults.
func rollbackParameters(recorded json.RawMessage) []byte {
	var ps map[string]map[string]json.RawMessage
	_ = json.Unmarshal(recorded, &ps)
	out := map[string]map[string]json.RawMessage{}
	for name, p := range ps {
		if v, ok := p["value"]; ok {
			out[name] = map[string]json.RawMessage{"value": v}
		}
	}
	b, _ := json.Marshal(map[string]any{"parameters": out})
	return b
}

// templateDocument returns a stored template as JSON: YAML templates are
// converted.
func templateDocument(name string, text []byte) (json.RawMessage, error) {
	src, ds := templates.Parse(name, text)
	if ds.HasErrors() || src == nil || src.Root == nil {
		return nil, Errorf(500, "InvalidTemplate", "The stored template of this deployment cannot be read.")
	}
	b, err := evaluator.NodeValue(src.Root).MarshalJSON()
	return b, err
}
