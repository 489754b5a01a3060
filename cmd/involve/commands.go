package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/config"
	"involve/internal/db"
)

// Version is set at build time with -ldflags "-X main.Version=…"; without
// it the module version or VCS revision is used.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// dbFlags registers --data and --db, as serve has them.
func dbFlags(fs *flag.FlagSet) *config.Config {
	c := &config.Config{}
	fs.StringVar(&c.DataDir, "data", envOr("INVOLVE_DATA", "./involve-data"), "data directory (INVOLVE_DATA)")
	fs.StringVar(&c.DB, "db", envOr("INVOLVE_DB", ""), "database: a SQLite file path or a postgres:// URL (INVOLVE_DB)")
	return c
}

func envOr(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dbFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := db.Open(ctx, c.DatabaseURL())
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The %s database is up to date.\n", d.Dialect())
	return nil
}

func admin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: involve admin create --handle NAME`)
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dbFlags(fs)
	handle := fs.String("handle", "", "handle of the new site admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if key := accounts.CheckHandle(*handle); key != "" {
		return fmt.Errorf("--handle %q: use 3 to 30 letters, digits, - or _", *handle)
	}
	pass, generated, err := readPassphrase(stdin)
	if err != nil {
		return err
	}
	if key := accounts.CheckNewPassphrase(pass, *handle); key != "" {
		return fmt.Errorf("the passphrase must be %d to %d characters and differ from the handle", accounts.PassphraseMin, accounts.PassphraseMax)
	}
	a, err := app.Open(ctx, c.DatabaseURL())
	if err != nil {
		return err
	}
	defer a.Close()
	m, codes, err := a.Accounts.Create(ctx, *handle, pass)
	if errors.Is(err, accounts.ErrHandleTaken) {
		return fmt.Errorf("the handle %q is taken", *handle)
	}
	if err != nil {
		return err
	}
	err = a.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := a.Accounts.GrantRole(ctx, tx, m.ID, accounts.RoleAdmin, nil); err != nil {
			return err
		}
		return a.Audit.Record(ctx, tx, m.ID, "role.grant", "member", m.Handle, accounts.RoleAdmin+" (command line)")
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Site admin %q created.\n", m.Handle)
	if generated {
		fmt.Fprintf(stdout, "Passphrase (shown once, keep it safe): %s\n", pass)
	}
	fmt.Fprintln(stdout, "Recovery codes (each works once, shown once):")
	for _, code := range codes {
		fmt.Fprintln(stdout, "  "+code)
	}
	return nil
}

// readPassphrase takes the first line of stdin when it is piped in, and
// generates a passphrase when stdin is a terminal or empty.
func readPassphrase(stdin io.Reader) (string, bool, error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return accounts.GeneratePassphrase(), true, nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return accounts.GeneratePassphrase(), true, nil
	}
	return line, false, nil
}
