// Command goclient is the Go reference for the headline benchmark: the same two phases as
// `pycolonies-fast bench` (submit N function specs, then assign and close N) through the Colonies
// server's own Go client (github.com/colonyos/colonies/pkg/client), at the same pinned version.
// It prints one JSON object: wall seconds and this process's CPU seconds for the phase.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/colonyos/colonies/pkg/client"
	"github.com/colonyos/colonies/pkg/core"
)

type result struct {
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
	Done       int64   `json:"done"`
}

func cpuSeconds() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		panic(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()).Seconds()
}

// submit sends n function specs one after the other, as the Python loops do.
func submit(c *client.ColoniesClient, colony, executorType, key string, n int) (int64, error) {
	for i := 0; i < n; i++ {
		spec := core.CreateFunctionSpec("echo", "echo", []interface{}{i}, nil, colony, nil,
			executorType, -1, -1, -1, map[string]string{}, nil, 1, "")
		if _, err := c.Submit(spec, key); err != nil {
			return int64(i), err
		}
	}
	return int64(n), nil
}

// cycles assigns and closes n processes with `workers` goroutines sharing one client and key;
// withOutput closes each with its args as output (the --realistic cycle), else with none.
func cycles(c *client.ColoniesClient, colony, key string, n, workers int, withOutput bool) (int64, error) {
	var taken, closed atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for taken.Add(1) <= int64(n) {
				process, err := c.Assign(colony, 10, "", "", key)
				if err == nil && withOutput {
					err = c.CloseWithOutput(process.ID, process.FunctionSpec.Args, key)
				} else if err == nil {
					err = c.Close(process.ID, key)
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				closed.Add(1)
			}
		}()
	}
	wg.Wait()
	return closed.Load(), firstErr
}

func main() {
	host := flag.String("host", "127.0.0.1", "server host")
	port := flag.Int("port", 50080, "server port")
	tls := flag.Bool("tls", false, "use TLS")
	colony := flag.String("colony", "", "colony name")
	executorType := flag.String("type", "", "executor type of the submitted specs")
	key := flag.String("prvkey", "", "private key of the executor (read from GOCLIENT_PRVKEY if empty)")
	phase := flag.String("phase", "", "submit or cycles")
	n := flag.Int("n", 0, "number of processes")
	workers := flag.Int("workers", 1, "goroutines assigning and closing (cycles phase)")
	withOutput := flag.Bool("output", false, "close each process with its args as output")
	flag.Parse()
	if *key == "" {
		*key = os.Getenv("GOCLIENT_PRVKEY")
	}
	if *colony == "" || *key == "" || *n <= 0 || *workers <= 0 {
		fmt.Fprintln(os.Stderr, "goclient: -colony, a key, -n > 0 and -workers > 0 are required")
		os.Exit(2)
	}

	c := client.CreateColoniesClient(*host, *port, !*tls, false)
	cpu, start := cpuSeconds(), time.Now()
	var done int64
	var err error
	switch *phase {
	case "submit":
		done, err = submit(c, *colony, *executorType, *key, *n)
	case "cycles":
		done, err = cycles(c, *colony, *key, *n, *workers, *withOutput)
	default:
		fmt.Fprintf(os.Stderr, "goclient: -phase must be submit or cycles, not %q\n", *phase)
		os.Exit(2)
	}
	out := result{Seconds: time.Since(start).Seconds(), CPUSeconds: cpuSeconds() - cpu, Done: done}
	if err != nil {
		fmt.Fprintf(os.Stderr, "goclient: %s phase stopped after %d: %v\n", *phase, done, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
