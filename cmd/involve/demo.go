package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"involve/internal/app"
	"involve/internal/demo"
)

// demoCmd fills an empty database with the demo content and, with
// --scale, the large generated data set benchmarks use.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dbFlags(fs)
	scale := fs.Float64("scale", 0, "also add the large data set at this size: 1 is about 10,000 members, 500 groups, "+
		"5,000 discussions with 200,000 replies and 5,000 meetings; 0.1 is a tenth of that")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scale < 0 {
		return errors.New("--scale must be 0 or more")
	}
	a, err := app.Open(ctx, c.DatabaseURL())
	if err != nil {
		return err
	}
	defer a.Close()
	accs, err := demo.Fill(ctx, a)
	if errors.Is(err, demo.ErrNotEmpty) {
		return errors.New("the database already has members: demo content goes only into an empty one")
	}
	if err != nil {
		return err
	}
	demo.Print(stdout, accs)
	if *scale == 0 {
		return nil
	}
	res, err := demo.Scale(ctx, a, *scale)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nLarge data set (scale %g) added in %s:\n", *scale, res.Took.Round(100*1e6))
	fmt.Fprintf(stdout, "  %d members, %d groups (%d memberships), %d discussions, %d replies, %d meetings, %d search documents\n",
		res.Members, res.Groups, res.Memberships, res.Discussions, res.Replies, res.Meetings, res.SearchDocuments)
	fmt.Fprintf(stdout, "  Every generated member signs in with the passphrase %s.\n", demo.Passphrase)
	fmt.Fprintf(stdout, "  largest group: %s\n", res.GroupURL)
	fmt.Fprintf(stdout, "  thread with %d replies: %s\n", demo.ThreadReplies, res.ThreadURL)
	fmt.Fprintf(stdout, "  a meeting: %s\n", res.MeetingURL)
	return nil
}
