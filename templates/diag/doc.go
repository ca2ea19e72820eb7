// Package diag owns diagnostics: problems found in a user's input, each with a
// severity, an ARM error code, a message, the JSON pointer of the element and
// its file:line:col range. It renders them as text (a file position, the
// source line and a caret) and as ARM's error envelope.
//
// Diagnostics are for problems in the user's input. Operational failures (a
// file that cannot be read, a store that cannot be opened) are plain errors.
package diag
