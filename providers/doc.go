// Package providers simulates Azure resource providers: for each resource
// type it validates a PUT in Azure's order, fills defaults, computes
// read-only properties, refuses changes to immutable ones and deletions
// that Azure refuses, all with Azure's error codes and texts. Types without
// a provider of their own go to a generic provider that stores the body as
// given.
//
// Providers read the store through [state.Reader]; they never write it:
// the planner commits what they return.
package providers
