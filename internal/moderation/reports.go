package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
)

// Report is one member's report about a target.
type Report struct {
	ID          int64
	TargetType  string
	TargetID    int64
	GroupID     *int64
	Reason      string
	Details     string
	ReporterID  *int64
	Reporter    string // handle; "" once the reporter left
	CreatedAt   time.Time
	Status      string
	Handler     string // handle of the moderator who handled it
	HandledAt   *time.Time
	OutcomeNote string

	// Filled by the listings: the target as it is now. Gone means it no
	// longer exists (its author deleted it).
	Target Located
	Gone   bool
}

// ReportInput is what a member fills in to report something.
type ReportInput struct {
	Reason  string
	Details string
}

// Check returns field -> message key for every problem with in.
func (in ReportInput) Check() map[string]string {
	errs := map[string]string{}
	if !oneOf(in.Reason, Reasons) {
		errs["reason"] = "moderation.report.reason.required"
	}
	if utf8.RuneCountInString(in.Details) > DetailsMax {
		errs["details"] = "field.too_long"
	}
	return errs
}

// Report records m's report about a target and tells those who moderate
// it: the group's moderators for content in a group, else the site
// moderators. A target the member cannot see is db.ErrNotFound.
//
// Notification params are named so that their sorted order is the order
// the messages use them in (a_title, …). The reason for hiding stays on
// the page, out of notifications: they may go out by email.
func (s *Store) Report(ctx context.Context, m *accounts.Member, kind string, id int64, in ReportInput) (*Report, error) {
	if errs := in.Check(); len(errs) > 0 {
		return nil, fmt.Errorf("moderation: report: invalid %v", errs)
	}
	t, err := s.target(kind)
	if err != nil {
		return nil, err
	}
	loc, err := t.Locate(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSee(ctx, m, kind, id, loc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, db.ErrNotFound
	}
	if loc.Hidden {
		return nil, ErrHidden
	}
	groupID := loc.GroupID
	if kind == TargetGroup {
		// A group's own moderators do not judge reports about their group.
		groupID = nil
	}
	to, err := s.reportRecipients(ctx, groupID)
	if err != nil {
		return nil, err
	}
	to = without(to, m.ID, loc.AuthorID)
	var rid int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		rid, err = db.InsertID(ctx, tx, `INSERT INTO reports (target_type, target_id, group_id, reason, details, reporter_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, kind, id, groupID, in.Reason, strings.TrimSpace(in.Details), m.ID, s.now())
		if errors.Is(err, db.ErrConflict) {
			return ErrAlreadyReported
		}
		if err != nil {
			return err
		}
		url := "/moderation"
		if groupID != nil {
			if g, err := s.groups.ByID(ctx, *groupID); err == nil {
				url = "/groups/" + g.Slug + "/moderation"
			}
		}
		return s.notify.Add(ctx, tx, to, "moderation.report", map[string]string{"a_title": loc.Title}, url)
	})
	if err != nil {
		return nil, err
	}
	return s.ReportByID(ctx, rid)
}

// reportRecipients are who hears of a new report: a group's moderators
// and admins, or the site moderators (the site admins when there are none).
func (s *Store) reportRecipients(ctx context.Context, groupID *int64) ([]int64, error) {
	if groupID != nil {
		return s.groups.MemberIDs(ctx, *groupID, groups.Moderator, groups.Admin)
	}
	for _, role := range []string{accounts.RoleModerator, accounts.RoleAdmin} {
		ids, err := s.ids(ctx, s.db, `SELECT member_id FROM member_roles WHERE role = ? ORDER BY member_id`, role)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return nil, nil
}

func without(ids []int64, drop ...any) []int64 {
	out := ids[:0:0]
	for _, id := range ids {
		keep := true
		for _, d := range drop {
			switch d := d.(type) {
			case int64:
				keep = keep && id != d
			case *int64:
				keep = keep && (d == nil || id != *d)
			}
		}
		if keep {
			out = append(out, id)
		}
	}
	return out
}

func (s *Store) ids(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const reportColumns = `r.id, r.target_type, r.target_id, r.group_id, r.reason, r.details, r.reporter_id, COALESCE(rm.handle, ''),
	r.created_at, r.status, COALESCE(hm.handle, ''), r.handled_at, r.outcome_note
	FROM reports r LEFT JOIN members rm ON rm.id = r.reporter_id LEFT JOIN members hm ON hm.id = r.handled_by`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	r := &Report{}
	err := sc.Scan(&r.ID, &r.TargetType, &r.TargetID, &r.GroupID, &r.Reason, &r.Details, &r.ReporterID, &r.Reporter,
		&r.CreatedAt, &r.Status, &r.Handler, &r.HandledAt, &r.OutcomeNote)
	return r, err
}

// ReportByID returns one report.
func (s *Store) ReportByID(ctx context.Context, id int64) (*Report, error) {
	r, err := scanReport(s.db.QueryRow(ctx, `SELECT `+reportColumns+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("moderation: report %d: %w", id, err)
	}
	return r, nil
}

// Queue says which reports a listing shows.
type Queue struct {
	GroupID *int64 // only this group's; nil for every report
	Status  string // Open, or "" for handled ones (resolved and dismissed)
	Limit   int
}

// Reports lists reports, newest first, each with its target as it is now.
func (s *Store) Reports(ctx context.Context, qu Queue) ([]*Report, error) {
	q := `SELECT ` + reportColumns + ` WHERE `
	var args []any
	if qu.Status == Open {
		q += `r.status = 'open'`
	} else {
		q += `r.status <> 'open'`
	}
	if qu.GroupID != nil {
		q += ` AND r.group_id = ?`
		args = append(args, *qu.GroupID)
	}
	order := `r.id DESC`
	if qu.Status != Open {
		order = `r.handled_at DESC, r.id DESC`
	}
	q += ` ORDER BY ` + order + ` LIMIT ?`
	args = append(args, max(qu.Limit, 1))
	return s.list(ctx, q, args...)
}

// ReportsOn lists the reports about one target, newest first.
func (s *Store) ReportsOn(ctx context.Context, kind string, id int64) ([]*Report, error) {
	return s.list(ctx, `SELECT `+reportColumns+` WHERE r.target_type = ? AND r.target_id = ? ORDER BY r.id DESC LIMIT 200`, kind, id)
}

// ReportsBy lists the reports a member made, newest first, so they can see
// what came of them.
func (s *Store) ReportsBy(ctx context.Context, memberID int64) ([]*Report, error) {
	return s.list(ctx, `SELECT `+reportColumns+` WHERE r.reporter_id = ? ORDER BY r.id DESC LIMIT 200`, memberID)
}

// OpenReportBy returns a member's open report about a target, or
// db.ErrNotFound.
func (s *Store) OpenReportBy(ctx context.Context, memberID int64, kind string, id int64) (*Report, error) {
	return scanReport(s.db.QueryRow(ctx, `SELECT `+reportColumns+` WHERE r.reporter_id = ? AND r.target_type = ? AND r.target_id = ?
		AND r.status = 'open'`, memberID, kind, id))
}

func (s *Store) list(ctx context.Context, q string, args ...any) ([]*Report, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("moderation: reports: %w", err)
	}
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Each target once, however many reports name it.
	type key struct {
		kind string
		id   int64
	}
	seen := map[key]Located{}
	gone := map[key]bool{}
	for _, r := range out {
		k := key{r.TargetType, r.TargetID}
		loc, ok := seen[k]
		if !ok && !gone[k] {
			loc, err = s.Locate(ctx, r.TargetType, r.TargetID)
			switch {
			case errors.Is(err, db.ErrNotFound), errors.Is(err, ErrUnknownTarget):
				gone[k] = true
			case err != nil:
				return nil, err
			default:
				seen[k] = loc
			}
		}
		r.Target, r.Gone = loc, gone[k]
	}
	return out, nil
}

// Hide takes a target out of sight with a reason readers are shown,
// resolves its open reports, and tells its author and the reporters, all in
// one transaction with the audit record.
func (s *Store) Hide(ctx context.Context, m *accounts.Member, kind string, id int64, reason string) error {
	if key := CheckReason(reason, true); key != "" {
		return fmt.Errorf("moderation: hide: %s", key)
	}
	reason = strings.TrimSpace(reason)
	t, err := s.target(kind)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		loc, err := t.Locate(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := s.CanModerate(ctx, m, kind, loc); err != nil {
			return err
		} else if !ok {
			return ErrForbidden
		}
		if loc.Hidden {
			return ErrAlreadyHidden
		}
		if err := t.Hide(ctx, tx, id, reason); err != nil {
			return err
		}
		reporters, err := s.ids(ctx, tx, `SELECT reporter_id FROM reports WHERE target_type = ? AND target_id = ? AND status = 'open'
			AND reporter_id IS NOT NULL`, kind, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reports SET status = 'resolved', handled_by = ?, handled_at = ?, outcome_note = ?
			WHERE target_type = ? AND target_id = ? AND status = 'open'`, m.ID, s.now(), reason, kind, id); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, m.ID, "moderation.hide", kind, s.ref(ctx, tx, kind, id), reason); err != nil {
			return err
		}
		authors, err := s.authors(ctx, tx, kind, id, loc)
		if err != nil {
			return err
		}
		if err := s.notify.Add(ctx, tx, without(authors, m.ID), "moderation.hidden",
			map[string]string{"a_title": loc.Title}, loc.URL); err != nil {
			return err
		}
		return s.notify.Add(ctx, tx, without(reporters, m.ID), "moderation.handled",
			map[string]string{"a_title": loc.Title}, "/me/reports")
	})
}

// authors are who is told when a target is hidden or restored: its author,
// or for a group its admins.
func (s *Store) authors(ctx context.Context, q db.Querier, kind string, id int64, loc Located) ([]int64, error) {
	if kind == TargetGroup {
		return s.ids(ctx, q, `SELECT member_id FROM group_members WHERE group_id = ? AND role = 'admin'`, id)
	}
	if loc.AuthorID != nil {
		return []int64{*loc.AuthorID}, nil
	}
	return nil, nil
}

// Restore brings a hidden target back, with the moderator's reason in the
// audit log, and tells its author.
func (s *Store) Restore(ctx context.Context, m *accounts.Member, kind string, id int64, reason string) error {
	if key := CheckReason(reason, true); key != "" {
		return fmt.Errorf("moderation: restore: %s", key)
	}
	reason = strings.TrimSpace(reason)
	t, err := s.target(kind)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		loc, err := t.Locate(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := s.CanModerate(ctx, m, kind, loc); err != nil {
			return err
		} else if !ok {
			return ErrForbidden
		}
		if !loc.Hidden {
			return ErrNotHidden
		}
		if err := t.Restore(ctx, tx, id); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, m.ID, "moderation.restore", kind, s.ref(ctx, tx, kind, id), reason); err != nil {
			return err
		}
		authors, err := s.authors(ctx, tx, kind, id, loc)
		if err != nil {
			return err
		}
		return s.notify.Add(ctx, tx, without(authors, m.ID), "moderation.restored", map[string]string{"a_title": loc.Title}, loc.URL)
	})
}

// CanHandle reports whether m may dismiss a report: site moderators any,
// a group's moderators and admins those about content in their group.
func (s *Store) CanHandle(ctx context.Context, m *accounts.Member, r *Report) (bool, error) {
	switch {
	case m == nil:
		return false, nil
	case m.IsModerator():
		return true, nil
	case r.GroupID == nil:
		return false, nil
	}
	return s.moderatesGroup(ctx, m, *r.GroupID)
}

// Dismiss closes a report without hiding anything, with an optional note
// the reporter sees, and tells the reporter.
func (s *Store) Dismiss(ctx context.Context, m *accounts.Member, reportID int64, note string) (*Report, error) {
	if key := CheckReason(note, false); key != "" {
		return nil, fmt.Errorf("moderation: dismiss: %s", key)
	}
	note = strings.TrimSpace(note)
	r, err := s.ReportByID(ctx, reportID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.CanHandle(ctx, m, r); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrForbidden
	}
	title := ""
	if loc, err := s.Locate(ctx, r.TargetType, r.TargetID); err == nil {
		title = loc.Title
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE reports SET status = 'dismissed', handled_by = ?, handled_at = ?, outcome_note = ?
			WHERE id = ? AND status = 'open'`, m.ID, s.now(), note, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrHandled
		}
		if err := s.audit.Record(ctx, tx, m.ID, "moderation.dismiss", r.TargetType, s.ref(ctx, tx, r.TargetType, r.TargetID), note); err != nil {
			return err
		}
		var to []int64
		if r.ReporterID != nil {
			to = without([]int64{*r.ReporterID}, m.ID)
		}
		return s.notify.Add(ctx, tx, to, "moderation.handled", map[string]string{"a_title": title}, "/me/reports")
	})
	if err != nil {
		return nil, err
	}
	return s.ReportByID(ctx, r.ID)
}

// OpenCount counts the open reports in a group's own queue, for the link
// its moderators see on the group's page.
func (s *Store) OpenCount(ctx context.Context, groupID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM reports WHERE group_id = ? AND status = 'open'`, groupID).Scan(&n)
	return n, err
}
