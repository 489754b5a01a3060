package demo

import (
	"context"
	"fmt"
	"time"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/discussions"
	"involve/internal/moderation"
)

// fillModeration shows moderation at work: an account that posts adverts
// and offers to sell in the open forum; one advert reported by mira and
// hidden by ola-moderator with a reason, one report still waiting; the
// account suspended for a month; mira has blocked it. With groupSlug (a
// public group anyone may join) it also leaves a report waiting in that
// group's own queue for its moderators.
//
// It needs mira, sasha_k, jo-peer and ola-moderator in ids.
func fillModeration(ctx context.Context, a *app.App, ids map[string]int64, groupSlug string) error {
	spammer, _, err := a.Accounts.Create(ctx, "quick-deals", Passphrase)
	if err != nil {
		return fmt.Errorf("demo: moderation: %w", err)
	}
	ids["quick-deals"] = spammer.ID
	member := func(handle string) (*accounts.Member, error) { return a.Accounts.ByID(ctx, ids[handle]) }
	mira, err := member("mira")
	if err != nil {
		return err
	}
	sasha, err := member("sasha_k")
	if err != nil {
		return err
	}
	mod, err := member("ola-moderator")
	if err != nil {
		return err
	}
	// thread starts a thread (nil group: the open forum) and returns the
	// id of its first post.
	thread := func(groupID *int64, title, body string) (int64, error) {
		d, err := a.Discussions.Create(ctx, groupID, spammer.ID, discussions.Input{Title: title, Body: body, Lang: "en"})
		if err != nil {
			return 0, err
		}
		ps, err := a.Discussions.Page(ctx, d.ID, 1, 0)
		if err != nil || len(ps) == 0 {
			return 0, fmt.Errorf("demo: moderation: first post of %q: %v", title, err)
		}
		return ps[0].ID, nil
	}

	advert, err := thread(nil, "Best prices in town", "Phone cards, cheap. Message me on Telegram for prices, fast delivery.")
	if err != nil {
		return err
	}
	if _, err := a.Moderation.Report(ctx, mira, moderation.TargetPost, advert, moderation.ReportInput{Reason: moderation.Spam,
		Details: "The same advert is in three threads."}); err != nil {
		return err
	}
	if err := a.Moderation.Hide(ctx, mod, moderation.TargetPost, advert,
		"Adverts are not allowed here. See the community rules."); err != nil {
		return err
	}

	selling, err := thread(nil, "Anyone need something for the weekend?", "I can get what you need, good quality. Send me a message.")
	if err != nil {
		return err
	}
	if _, err := a.Moderation.Report(ctx, sasha, moderation.TargetPost, selling, moderation.ReportInput{Reason: moderation.Selling,
		Details: "Offering to sell drugs. This puts everyone here at risk."}); err != nil {
		return err
	}

	if groupSlug != "" {
		g, err := a.Groups.BySlug(ctx, groupSlug)
		if err != nil {
			return err
		}
		if err := a.Groups.Join(ctx, g, spammer.ID); err != nil {
			return fmt.Errorf("demo: moderation: join %s: %w", groupSlug, err)
		}
		post, err := thread(&g.ID, "Free samples", "Free samples for the first ten people who message me.")
		if err != nil {
			return err
		}
		jo, err := member("jo-peer")
		if err != nil {
			return err
		}
		if _, err := a.Moderation.Report(ctx, jo, moderation.TargetPost, post, moderation.ReportInput{Reason: moderation.Selling}); err != nil {
			return err
		}
	}

	until := time.Now().UTC().AddDate(0, 1, 0).Truncate(24 * time.Hour)
	if err := a.Moderation.Suspend(ctx, mod, spammer, &until, "Adverts and offers to sell drugs after a warning."); err != nil {
		return err
	}
	return a.Moderation.Block(ctx, mira.ID, spammer.ID)
}
