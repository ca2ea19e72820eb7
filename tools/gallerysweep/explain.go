package main

import "strings"

// verdict says why a failure remains: Azure would refuse the template
// (or show the change) too, in an empty subscription with the harness's
// values, or it is a gap of armdeploy, named as such.
type verdict struct {
	azure bool   // Azure fails too (or shows the same change)
	why   string // one sentence
}

func (v verdict) String() string {
	if v.why == "" {
		return "not yet classified"
	}
	if v.azure {
		return "Azure too: " + v.why
	}
	return "armdeploy gap: " + v.why
}

// explain classifies one failure: by its template first (causes that
// only reading the template tells apart), then by its message.
func explain(r *Result) verdict {
	for _, e := range byTemplate {
		if strings.Contains(r.Rel, e.path) && (e.stage == "" || e.stage == r.Failed) {
			return e.v
		}
	}
	text := r.Cause + "\n" + r.Detail
	for _, e := range byMessage {
		if (e.stage == "" || e.stage == r.Failed) && strings.Contains(text, e.text) {
			return e.v
		}
	}
	return verdict{}
}

var (
	azure = func(why string) verdict { return verdict{azure: true, why: why} }
	gap   = func(why string) verdict { return verdict{why: why} }
)

// byMessage classifies by a text of the cause or the error lines.
var byMessage = []struct {
	stage, text string
	v           verdict
}{
	{stageValidate, "The file does not exist in the folder", azure("the linked template's file is not in the gallery (moved or renamed upstream): Azure's download fails the same way")},
	{stageValidate, "Its path does not name a file inside the folder", azure("the link's path has an empty segment ('//'), which raw.githubusercontent.com does not serve")},
	{stageValidate, "AzureStack-QuickStart-Templates", azure("the link points outside the gallery, to a repository that no longer has the file")},
	{stageValidate, "raw.githubusercontent.com/nested/", azure("the link is built from an _artifactsLocation the template does not default: the URI names no repository")},
	{stageValidate, "they are not present in the original template", azure("the parameter file names a parameter the template does not declare")},
	{stageValidate, "is not part of the allowed value", azure("the parameter file's value is not among the template's allowedValues")},
	{stageValidate, "JToken type is not valid", azure("the parameter file's value has the wrong JSON type")},
	{stageValidate, "{guid}", azure("the parameter file's Key Vault reference is a placeholder ('{guid}', '{vault-name}')")},
	{stageValidate, "KeyVaultParameterReferenceSecretRetrieveFailed", azure("the parameter file names a Key Vault secret that the standing artifacts do not hold")},
	{stageValidate, "is not expected at this location", azure("a parameter's defaultValue calls variables(), which ARM refuses there")},
	{stageValidate, "Unable to parse language expression", azure("the expression is malformed")},
	{stageValidate, "duplicate property", gap("a template declares 'variables' twice; armdeploy refuses duplicate keys where Azure's parser keeps the last")},
	{"", "has incorrect segment lengths", azure("the resource name has the wrong number of segments for its type")},
	{stageSecond, "forceUpdateTag", azure("a value made by newGuid() or utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "defaultValue", azure("a date made by utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "synchronizationTime", azure("a time made by utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "revisionSuffix", azure("a suffix made by uniqueString(utcNow()) at each deployment: Azure's what-if shows it changing too")},
}

// byTemplate classifies failures that only the template tells apart.
var byTemplate = []struct {
	path, stage string
	v           verdict
}{}

// classified counts the failures Azure would refuse too, the gaps and
// the unclassified.
func classified(results []*Result) (azureToo, gaps, unknown int) {
	for _, r := range results {
		if r.Failed == "" {
			continue
		}
		switch v := explain(r); {
		case v.why == "":
			unknown++
		case v.azure:
			azureToo++
		default:
			gaps++
		}
	}
	return
}
