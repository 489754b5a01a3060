package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"involve/internal/db"
)

// On PostgreSQL the database server's own tools do backups better than
// Involve could: consistent, compressed, restorable table by table.
const postgresBackup = `Involve does not back up PostgreSQL itself; use PostgreSQL's own tools,
which take a consistent copy while Involve runs:

  pg_dump --format=custom --file=involve.dump "$INVOLVE_DB"

and to restore into an empty database (stop every node first):

  pg_restore --no-owner --dbname="$INVOLVE_DB" involve.dump

See "Backups" in the README.
`

func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// sqlitePath is the file behind a SQLite URL, which db.Open also takes
// with a sqlite:// prefix.
func sqlitePath(url string) string { return strings.TrimPrefix(url, "sqlite://") }

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dbFlags(fs)
	to := fs.String("to", "", "file to write the backup to; it must not exist yet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if isPostgres(c.DatabaseURL()) {
		fmt.Fprint(stderr, postgresBackup)
		return errors.New("backup: this is a PostgreSQL database; use pg_dump")
	}
	if *to == "" {
		return errors.New("backup: say where to write it, e.g. --to involve-backup.db")
	}
	info, err := db.BackupSQLite(ctx, sqlitePath(c.DatabaseURL()), *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: %s, %d members, migration %d, integrity checked.\n",
		sqlitePath(c.DatabaseURL()), info.Path, size(info.Size), info.Members, info.Version)
	return nil
}

func restore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dbFlags(fs)
	from := fs.String("from", "", "backup file made by involve backup")
	force := fs.Bool("force", false, "replace a database that already has members")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if isPostgres(c.DatabaseURL()) {
		fmt.Fprint(stderr, postgresBackup)
		return errors.New("restore: this is a PostgreSQL database; use pg_restore")
	}
	if *from == "" {
		return errors.New("restore: say which backup to restore, e.g. --from involve-backup.db")
	}
	info, err := db.RestoreSQLite(ctx, *from, sqlitePath(c.DatabaseURL()), *force)
	if err != nil {
		return err
	}
	latest, err := db.LatestVersion(db.SQLite)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s into %s: %d members, migration %d, integrity checked.\n", *from, info.Path, info.Members, info.Version)
	if info.Version < latest {
		fmt.Fprintf(stdout, "The next start of involve serve brings it up to migration %d.\n", latest)
	}
	return nil
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
