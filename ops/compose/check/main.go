// Validates compose files with compose-go, the loader Docker Compose v2 itself uses: schema,
// interpolation, references between services, networks and volumes. Needs no Docker engine.
//
//	compose-check [-json] FILE...   exits 0 when every file loads, 1 with the loader's error
//	                               otherwise; -json prints each loaded project (normalised) as JSON
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	files, asJSON := os.Args[1:], false
	if len(files) > 0 && files[0] == "-json" {
		files, asJSON = files[1:], true
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [-json] FILE...")
		os.Exit(2)
	}
	failed := false
	for _, file := range files {
		abs, err := filepath.Abs(file)
		var project *types.Project
		if err == nil {
			project, err = load(abs)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		if !asJSON {
			fmt.Printf("%s: ok\n", file)
			continue
		}
		out, err := project.MarshalJSON()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		fmt.Println(string(out))
	}
	if failed {
		os.Exit(1)
	}
}

// load reads one file the way `docker compose -f FILE config` does.
func load(file string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	if len(project.Services) == 0 {
		return nil, fmt.Errorf("no services")
	}
	return project, nil
}
