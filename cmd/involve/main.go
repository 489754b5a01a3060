// Command involve runs the Involve platform: `involve serve` is all a
// small organisation needs; see `involve help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `involve: a platform for peer involvement in health and social services

Usage:
  involve serve [flags]                 run the web server (see involve serve -h)
  involve migrate [--db URL]            apply database migrations and exit
  involve admin create --handle NAME    create a site admin; the passphrase is
                                        read from standard input, or generated
                                        and printed once when none is given
  involve backup --to FILE              copy the SQLite database to FILE while
                                        it runs, and check the copy
  involve restore --from FILE [--force] put a backup back (the server stopped);
                                        PostgreSQL: see the README
  involve demo [--scale N] [--db URL]   fill an empty database with demo content;
                                        --scale 1 adds 10,000 members, 500 groups,
                                        5,000 discussions, 200,000 replies, 5,000 meetings
  involve version                       print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "involve:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "admin":
		return admin(ctx, args[1:], stdin, stdout, stderr)
	case "backup":
		return backup(ctx, args[1:], stdout, stderr)
	case "restore":
		return restore(ctx, args[1:], stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "involve", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
