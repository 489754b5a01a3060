package main

import (
	"context"
	"log/slog"

	"involve/internal/app"
	"involve/internal/config"
	"involve/internal/email"
	"involve/internal/i18n"
	"involve/internal/notify"
)

// startJobs starts this node's job runner, with emails sent the way cfg
// says, and returns a function that stops it: it lets the jobs in hand
// finish (for a while) and hands back the rest for another node.
func startJobs(cfg *config.Config, a *app.App, bundle *i18n.Bundle, log *slog.Logger) (stop func(), err error) {
	sender, err := email.New(cfg)
	if err != nil {
		return nil, err
	}
	if f, ok := sender.(*email.Folder); ok {
		log.Info("no SMTP server set (--smtp-host), so emails are written as .eml files to " + f.Dir())
	} else {
		log.Info("emails are sent through the " + sender.Describe())
	}
	a.Jobs.SetLogger(log)
	notify.NewMailer(a.Notify, bundle, sender, cfg.BaseURL(), log).Register(a.Jobs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		a.Jobs.Run(ctx)
		close(done)
	}()
	return func() { cancel(); <-done }, nil
}
