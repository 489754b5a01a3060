// Command load runs simulated members against an Involve server on this
// machine, then checks that every write the server acknowledged is there.
// It prints a table and one summary line ("LOAD {...}"), and exits with 1
// on any server error, request without an answer, or lost write.
//
//	go run ./bench/load -target http://127.0.0.1:8080 -members 200 -duration 60s
//
// bench/load.sh starts a fresh server for it and stops it afterwards.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"involve/internal/loadtest"
)

func main() {
	var cfg loadtest.Config
	flag.StringVar(&cfg.Target, "target", "http://127.0.0.1:8080", "the server: http://127.0.0.1:PORT, nothing else")
	flag.IntVar(&cfg.Members, "members", 200, "simulated members acting at once")
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long they act")
	flag.DurationVar(&cfg.Think, "think", time.Second, "a member's mean pause between actions")
	flag.StringVar(&cfg.Passphrase, "passphrase", "", "sign in existing members with this passphrase instead of signing up new ones: "+
		"authors of forum posts (as after `involve demo --scale`), or those -handles names")
	flag.StringVar(&cfg.Handles, "handles", "", "with -passphrase: a handle pattern with %d, counted from 1")
	flag.Uint64Var(&cfg.Seed, "seed", 0, "random seed (0: a new one)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "load: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	if _, err := loadtest.CheckTarget(cfg.Target); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	cfg.Progress = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	rep.WriteTable(os.Stdout)
	fmt.Println(rep.Summary())
	if rep.Failed() {
		os.Exit(1)
	}
}
