package notify

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"involve/internal/db"
	"involve/internal/i18n"
	"involve/internal/memberdata"
	"involve/internal/testutil"
)

var linkRE = regexp.MustCompile(`https://involve\.example\.org/email/confirm\?t=([A-Z0-9]+)`)

// TestConfirmEmail follows an address from given to confirmed: nothing is
// emailed to it before, the link is single-use, and a changed address or
// an old link confirms nothing.
func TestConfirmEmail(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		sasha := fx.member(t, "sasha_k", "sasha@example.org", "ru")
		if _, err := d.Exec(ctx, `UPDATE members SET email_confirmed = '' WHERE id = ?`, sasha); err != nil {
			t.Fatal(err)
		}
		fx.setMode(t, sasha, EmailImmediate)

		// Not confirmed: a notification queues no email.
		fx.add(t, []int64{sasha}, KindWelcome, nil, "/guide")
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 0 {
			t.Fatalf("%d emails to an address not confirmed", len(sent))
		}

		// The link goes in the member's language and names nobody.
		if coming, err := fx.c.RequestConfirmation(ctx, sasha); err != nil || !coming {
			t.Fatalf("RequestConfirmation = %v, %v", coming, err)
		}
		fx.run(t)
		sent := fx.out.take()
		if len(sent) != 1 || sent[0].To != "sasha@example.org" {
			t.Fatalf("confirmation emails: %+v", sent)
		}
		lang, _ := i18n.Supported("ru")
		ru := fx.bundle.Printer(lang)
		if sent[0].Subject != ru.T("confirm.email.subject") || strings.Contains(sent[0].Text, "sasha_k") {
			t.Errorf("the email: %q\n%s", sent[0].Subject, sent[0].Text)
		}
		m := linkRE.FindStringSubmatch(sent[0].Text)
		if m == nil || !strings.Contains(sent[0].HTML, m[0]) {
			t.Fatalf("no link in the email:\n%s", sent[0].Text)
		}
		token := m[1]
		if n := fx.count(t, `SELECT COUNT(*) FROM email_confirmations WHERE token_hash = ?`, token); n != 0 {
			t.Error("the token is stored as it is")
		}
		if _, err := fx.c.RequestConfirmation(ctx, sasha); !errors.Is(err, ErrConfirmTooSoon) {
			t.Errorf("a second link at once: %v, want ErrConfirmTooSoon", err)
		}

		for _, bad := range []string{"", "WRONG", strings.ToLower(token)} {
			if err := fx.c.ConfirmEmail(ctx, bad); !errors.Is(err, ErrConfirmInvalid) {
				t.Errorf("ConfirmEmail(%q) = %v", bad, err)
			}
		}
		if err := fx.c.ConfirmEmail(ctx, token); err != nil {
			t.Fatal(err)
		}
		if st, _ := fx.c.EmailState(ctx, sasha); !st.Confirmed || st.SentAt != nil {
			t.Errorf("after the link: %+v", st)
		}
		if err := fx.c.ConfirmEmail(ctx, token); !errors.Is(err, ErrConfirmInvalid) {
			t.Errorf("the link used twice: %v", err)
		}
		if coming, err := fx.c.RequestConfirmation(ctx, sasha); err != nil || coming {
			t.Errorf("a link for a confirmed address: %v, %v", coming, err)
		}

		// Confirmed: notifications go out.
		fx.add(t, []int64{sasha}, KindWelcome, nil, "/guide")
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 1 {
			t.Fatalf("%d emails after confirming, want 1", len(sent))
		}

		// A new address is not confirmed; a link for the old one, or one
		// older than ConfirmFor, does nothing.
		if _, err := d.Exec(ctx, `UPDATE members SET email = 'sasha@example.net' WHERE id = ?`, sasha); err != nil {
			t.Fatal(err)
		}
		if st, _ := fx.c.EmailState(ctx, sasha); st.Confirmed {
			t.Error("a changed address counts as confirmed")
		}
		if _, err := fx.c.RequestConfirmation(ctx, sasha); err != nil {
			t.Fatal(err)
		}
		fx.run(t)
		newer := linkRE.FindStringSubmatch(fx.out.take()[0].Text)[1]
		if _, err := d.Exec(ctx, `UPDATE members SET email = 'sasha@example.com' WHERE id = ?`, sasha); err != nil {
			t.Fatal(err)
		}
		if err := fx.c.ConfirmEmail(ctx, newer); !errors.Is(err, ErrConfirmInvalid) {
			t.Errorf("a link for an address changed since: %v", err)
		}
		if _, err := d.Exec(ctx, `UPDATE members SET email = 'sasha@example.net' WHERE id = ?`, sasha); err != nil {
			t.Fatal(err)
		}
		fx.clock.add(ConfirmFor + 1)
		if err := fx.c.ConfirmEmail(ctx, newer); !errors.Is(err, ErrConfirmInvalid) {
			t.Errorf("a link older than ConfirmFor: %v", err)
		}

		// The waiting link is in the member's data, and gone with it.
		out, err := DataPart{fx.c}.Export(ctx, d, sasha)
		if err != nil {
			t.Fatal(err)
		}
		if x := out.(exportNotify); x.EmailConfirmed != "sasha@example.org" || x.ConfirmationSentTo != "sasha@example.net" || x.ConfirmationSentAt == nil {
			t.Errorf("exported: confirmed %q, link to %q at %v", x.EmailConfirmed, x.ConfirmationSentTo, x.ConfirmationSentAt)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return DataPart{fx.c}.Erase(ctx, tx, sasha, memberdata.Remove) }); err != nil {
			t.Fatal(err)
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM email_confirmations WHERE member_id = ?`, sasha); n != 0 {
			t.Errorf("%d links left after the member's data was erased", n)
		}
	})
}
