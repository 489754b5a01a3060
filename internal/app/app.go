// Package app puts Involve together: the database and every store on it,
// with each capability's share of member data registered. The binary and
// the tests build Involve the same way, through here.
package app

import (
	"context"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/jobs"
	"involve/internal/meetings"
	"involve/internal/memberdata"
	"involve/internal/moderation"
	"involve/internal/notify"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/support"
)

// App is Involve's stores on one database.
type App struct {
	DB            *db.DB
	Accounts      *accounts.Store
	Organisations *organisations.Store
	Audit         *audit.Log
	Search        *search.Index
	Guide         *guide.Store
	Groups        *groups.Store
	Notify        *notify.Center
	Jobs          *jobs.Runner // this node's job runner; `involve serve` registers the handlers and runs it
	Discussions   *discussions.Store
	Support       *support.Store
	Meetings      *meetings.Store
	Moderation    *moderation.Store
	MemberData    *memberdata.Registry
}

// Open connects to the database at url, migrates it and builds the stores.
func Open(ctx context.Context, url string) (*App, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a, err := New(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// New builds the stores on a migrated database and adds the guide pages it
// lacks: the guide ships with the binary, and pages editors have changed
// are left alone.
func New(ctx context.Context, d *db.DB) (*App, error) {
	a := &App{DB: d, Accounts: accounts.NewStore(d), Organisations: organisations.NewStore(d), Audit: audit.New(d), Search: search.New(d)}
	a.Organisations.IndexIn(a.Search)
	a.Guide = guide.NewStore(d, a.Search)
	a.Groups = groups.NewStore(d, a.Search)
	a.Notify = notify.New(d)
	a.Jobs = jobs.NewRunner(d, nil)
	a.Moderation = moderation.NewStore(d, a.Audit, a.Notify, a.Groups, a.Accounts)
	a.Discussions = discussions.NewStore(d, a.Search, a.Notify, a.Audit)
	a.Discussions.SetRecipientFilter(a.Moderation.DropBlocked) // no notifications from members one blocked
	a.Moderation.RegisterDiscussions(a.Discussions)            // posts and threads can be reported and hidden
	a.Groups.OnReindex(a.Discussions.ReindexGroup)             // threads follow their group's visibility in search
	a.Support = support.NewStore(d, a.Groups, a.Organisations, a.Search, a.Notify)
	a.Groups.OnReindex(func(ctx context.Context, q db.Querier, groupID int64) error {
		return support.IndexGroup(ctx, q, a.Search, groupID) // so do its support requests
	})
	a.Meetings = meetings.NewStore(d, a.Groups, a.Organisations, a.Search, a.Notify)
	a.Groups.OnReindex(func(ctx context.Context, q db.Querier, groupID int64) error {
		return meetings.IndexGroup(ctx, q, a.Search, groupID) // and its meetings
	})
	if _, err := a.Guide.Seed(ctx); err != nil {
		return nil, err
	}
	// Every capability registers its share of a member's data, for the
	// data download and account deletion.
	a.MemberData = memberdata.NewRegistry(d)
	a.MemberData.Register(accounts.DataPart{Store: a.Accounts})
	a.MemberData.Register(organisations.DataPart{Store: a.Organisations})
	a.MemberData.Register(audit.DataPart{Log: a.Audit})
	a.MemberData.Register(guide.DataPart{Store: a.Guide})
	a.MemberData.Register(groups.DataPart{Store: a.Groups})
	a.MemberData.Register(notify.DataPart{Center: a.Notify})
	a.MemberData.Register(discussions.DataPart{Store: a.Discussions})
	a.MemberData.Register(moderation.DataPart{Store: a.Moderation})
	a.MemberData.Register(support.DataPart{Store: a.Support})
	a.MemberData.Register(meetings.DataPart{Store: a.Meetings})
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }
