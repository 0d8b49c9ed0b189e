// Command caliper checks, compiles and runs Caliper metric specs.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }
