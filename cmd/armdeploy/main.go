// Command armdeploy is an offline Azure Resource Manager deployment engine:
// it validates, expands, previews and applies ARM templates against a local
// simulation of Azure.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
