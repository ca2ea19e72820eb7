package evaluator

import "github.com/armdeploy/armdeploy/templates/diag"

// SecretStrings returns the text of every string that v holds under a
// secure mark, for [diag.RedactText]: the strings of a secure value, of
// secure members of an object, of secure elements of an array.
func SecretStrings(v Value) []string {
	if !v.HasSecure() {
		return nil
	}
	return appendSecrets(nil, v, false)
}

func appendSecrets(out []string, v Value, marked bool) []string {
	switch x := v.v.(type) {
	case *secure:
		return appendSecrets(out, x.v, true)
	case string:
		if marked && x != "" {
			out = append(out, x)
		}
	case *array:
		for _, e := range x.elems {
			out = appendSecrets(out, e, marked)
		}
	case *Object:
		for _, e := range x.vals {
			out = appendSecrets(out, e, marked)
		}
	}
	return out
}

// redactMessage masks in msg the secure arguments of every call running
// in the session (see [Session.invoke]): an error that quotes an argument
// quotes "*****" where the argument was secure.
func (s *Session) redactMessage(msg string) string {
	if len(s.secrets) == 0 {
		return msg
	}
	return diag.RedactText(msg, s.secrets)
}
