package main

// explain says why a cause of failure remains: one that Azure would
// refuse too in an empty subscription, or a gap of armdeploy named as
// such. An unexplained cause is printed as "not yet classified".
func explain(stage, cause string) string {
	if why, ok := explanations[cause]; ok {
		return why
	}
	return "not yet classified"
}

// explanations maps a cause (the error code of the first error) to the
// reason it remains.
var explanations = map[string]string{}
