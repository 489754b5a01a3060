package groups

import (
	"context"
	"errors"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/search"
)

// Channel kinds: where else a group talks, so peers can link with
// internet-based communities.
var ChannelKinds = []string{"website", "signal", "matrix", "telegram", "whatsapp", "mailing-list", "forum", "other"}

// Channel is one external channel of a group.
type Channel struct {
	Kind  string
	Label string
	URL   string
}

// Channels lists a group's channels in order.
func (s *Store) Channels(ctx context.Context, groupID int64) ([]Channel, error) {
	rows, err := s.db.Query(ctx, `SELECT kind, label, url FROM group_channels WHERE group_id = ? ORDER BY position, id`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Channel
	for rows.Next() {
		var c Channel
		if err := rows.Scan(&c.Kind, &c.Label, &c.URL); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetChannels replaces a group's channels.
func (s *Store) SetChannels(ctx context.Context, groupID int64, cs []Channel) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM group_channels WHERE group_id = ?`, groupID); err != nil {
			return err
		}
		for i, c := range cs {
			if _, err := tx.Exec(ctx, `INSERT INTO group_channels (group_id, kind, label, url, position) VALUES (?, ?, ?, ?, ?)`,
				groupID, c.Kind, strings.TrimSpace(c.Label), strings.TrimSpace(c.URL), i); err != nil {
				return err
			}
		}
		return nil
	})
}

// Supporter is an organisation supporting a group.
type Supporter struct {
	OrganisationID int64
	Slug           string
	Name           string
	What           string
	Since          time.Time
}

// Supporters lists the organisations supporting a group.
func (s *Store) Supporters(ctx context.Context, groupID int64) ([]Supporter, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.slug, o.name, gs.what, gs.since FROM group_supporters gs
		JOIN organisations o ON o.id = gs.organisation_id WHERE gs.group_id = ? ORDER BY gs.since, o.name`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Supporter
	for rows.Next() {
		var sp Supporter
		if err := rows.Scan(&sp.OrganisationID, &sp.Slug, &sp.Name, &sp.What, &sp.Since); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// AddSupporter records an organisation as supporting a group with what it
// gives, inside the caller's transaction (accepting an offer). A second
// accepted offer from the same organisation adds to what it gives.
func (s *Store) AddSupporter(ctx context.Context, q db.Querier, groupID, orgID int64, what string) error {
	what = strings.TrimSpace(what)
	var cur string
	err := q.QueryRow(ctx, `SELECT what FROM group_supporters WHERE group_id = ? AND organisation_id = ?`, groupID, orgID).Scan(&cur)
	switch {
	case errors.Is(err, db.ErrNotFound):
		_, err = q.Exec(ctx, `INSERT INTO group_supporters (group_id, organisation_id, what, since) VALUES (?, ?, ?, ?)`,
			groupID, orgID, what, s.now())
		return err
	case err != nil:
		return err
	}
	if what != "" && !strings.Contains(cur, what) {
		if cur != "" {
			what = cur + "; " + what
		}
		_, err = q.Exec(ctx, `UPDATE group_supporters SET what = ? WHERE group_id = ? AND organisation_id = ?`, what, groupID, orgID)
	}
	return err
}

// SupportedBy lists the groups an organisation supports.
func (s *Store) SupportedBy(ctx context.Context, orgID int64) ([]*Group, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM groups g JOIN group_supporters gs ON gs.group_id = g.id
		WHERE gs.organisation_id = ? AND g.visibility <> ? AND g.hidden_at IS NULL ORDER BY g.name`, orgID, Secret)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Hide takes a group out of sight of everyone but its members and site
// moderators, with a recorded reason; Restore brings it back. Both run in
// the caller's transaction, beside the moderation record.
func (s *Store) Hide(ctx context.Context, q db.Querier, groupID int64, reason string) error {
	res, err := q.Exec(ctx, `UPDATE groups SET hidden_at = ?, hidden_reason = ? WHERE id = ?`, s.now(), reason, groupID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return s.reindex(ctx, q, groupID)
}

// Restore undoes Hide.
func (s *Store) Restore(ctx context.Context, q db.Querier, groupID int64) error {
	res, err := q.Exec(ctx, `UPDATE groups SET hidden_at = NULL, hidden_reason = '' WHERE id = ?`, groupID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return s.reindex(ctx, q, groupID)
}

// Index puts a group in the search index if it is listed (public or
// members-only, not hidden), and takes it out otherwise. Only its name,
// kind, region, topics and about text are indexed: what the listing shows.
func Index(ctx context.Context, q db.Querier, ix *search.Index, g *Group) error {
	if g.Visibility == Secret || g.HiddenAt != nil {
		return ix.Remove(ctx, q, "group", g.Slug)
	}
	body := strings.Join([]string{g.About, g.Region, strings.Join(g.Topics, ", "), strings.Join(g.Languages, ", ")}, "\n")
	return ix.Put(ctx, q, search.Document{Kind: "group", Ref: g.Slug, Lang: "und", Title: g.Name, Body: body,
		URL: "/groups/" + g.Slug, Visibility: search.Public})
}

// Stage is a guide stage a group works through together.
type Stage struct {
	PageID int64
	Slug   string
	Done   map[string]bool // item key -> ticked
}

// AdoptStage puts a guide stage's checklist on the group's page.
func (s *Store) AdoptStage(ctx context.Context, groupID, pageID int64) error {
	_, err := s.db.Exec(ctx, `INSERT INTO group_stages (group_id, page_id, adopted_at) VALUES (?, ?, ?)`, groupID, pageID, s.now())
	if errors.Is(err, db.ErrConflict) {
		return nil
	}
	return err
}

// DropStage takes a stage off the group's page; its ticks go with it.
func (s *Store) DropStage(ctx context.Context, groupID, pageID int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM group_checks WHERE group_id = ? AND page_id = ?`, groupID, pageID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM group_stages WHERE group_id = ? AND page_id = ?`, groupID, pageID)
		return err
	})
}

// Stages lists the stages a group adopted with what it ticked.
func (s *Store) Stages(ctx context.Context, groupID int64) ([]Stage, error) {
	rows, err := s.db.Query(ctx, `SELECT gs.page_id, p.slug FROM group_stages gs JOIN guide_pages p ON p.id = gs.page_id
		WHERE gs.group_id = ? ORDER BY gs.adopted_at, p.id`, groupID)
	if err != nil {
		return nil, err
	}
	var out []Stage
	for rows.Next() {
		st := Stage{Done: map[string]bool{}}
		if err := rows.Scan(&st.PageID, &st.Slug); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, st)
	}
	rows.Close()
	for i := range out {
		r, err := s.db.Query(ctx, `SELECT item FROM group_checks WHERE group_id = ? AND page_id = ?`, groupID, out[i].PageID)
		if err != nil {
			return nil, err
		}
		for r.Next() {
			var item string
			if err := r.Scan(&item); err != nil {
				r.Close()
				return nil, err
			}
			out[i].Done[item] = true
		}
		r.Close()
	}
	return out, nil
}

// SetStageChecks replaces what the group ticked on a stage; valid lists
// the item keys the stage has.
func (s *Store) SetStageChecks(ctx context.Context, groupID, pageID, by int64, items []string, valid map[string]bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM group_checks WHERE group_id = ? AND page_id = ?`, groupID, pageID); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, it := range items {
			if !valid[it] || seen[it] {
				continue
			}
			seen[it] = true
			if _, err := tx.Exec(ctx, `INSERT INTO group_checks (group_id, page_id, item, checked_by, checked_at) VALUES (?, ?, ?, ?, ?)`,
				groupID, pageID, it, by, s.now()); err != nil {
				return err
			}
		}
		return nil
	})
}
