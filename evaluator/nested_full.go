package evaluator

import "strings"

// fullDeployment is reference(deployment, apiVersion, 'Full') of a nested
// deployment: the deployment resource with its outputs in properties.
func fullDeployment(result Value, nameOrID, apiVersion string) Value {
	props := NewObject(3)
	props.Set("provisioningState", String("Succeeded"))
	props.Set("mode", String("Incremental"))
	if o, ok := result.Get("outputs"); ok {
		props.Set("outputs", o)
	}
	name := nameOrID
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	full := NewObject(4)
	if apiVersion != "" {
		full.Set("apiVersion", String(apiVersion))
	}
	full.Set("name", String(name))
	full.Set("type", String("Microsoft.Resources/deployments"))
	full.Set("properties", ObjectValue(props))
	return ObjectValue(full)
}
