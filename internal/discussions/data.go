package discussions

import (
	"context"
	"strconv"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the discussions share of a member's data: the threads they
// started, their posts and earlier versions of them, the threads they
// follow and how far they have read.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "discussions" }

type exportThread struct {
	Title   string    `json:"title"`
	Where   string    `json:"where"` // "forum" or the group's name
	URL     string    `json:"url"`
	Started time.Time `json:"started_at"`
}

type exportPost struct {
	Thread   string     `json:"thread"`
	Where    string     `json:"where"`
	URL      string     `json:"url"`
	Body     string     `json:"body"`
	Written  time.Time  `json:"written_at"`
	Edited   *time.Time `json:"edited_at,omitempty"`
	Hidden   string     `json:"hidden_by_moderator,omitempty"` // the moderator's reason
	Previous []string   `json:"earlier_versions,omitempty"`
}

type exportFollow struct {
	Thread string    `json:"thread"`
	URL    string    `json:"url"`
	Since  time.Time `json:"since"`
}

type exportRead struct {
	Thread       string `json:"thread"`
	URL          string `json:"url"`
	LastPosition int    `json:"read_up_to_post"`
}

type exportDiscussions struct {
	Threads []exportThread `json:"threads_started"`
	Posts   []exportPost   `json:"posts"`
	Follows []exportFollow `json:"following"`
	Reads   []exportRead   `json:"read_markers"`
}

func where(d *Discussion) string {
	if d.GroupID == nil {
		return "forum"
	}
	return d.GroupName
}

func (p DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	s := p.Store
	out := exportDiscussions{Threads: []exportThread{}, Posts: []exportPost{}, Follows: []exportFollow{}, Reads: []exportRead{}}
	threads := map[int64]*Discussion{}
	thread := func(id int64) (*Discussion, error) {
		if d, ok := threads[id]; ok {
			return d, nil
		}
		d, err := s.discussion(ctx, q, id)
		if err == nil {
			threads[id] = d
		}
		return d, err
	}

	ids, err := s.ids(ctx, q, `SELECT id FROM discussions WHERE author_id = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		d, err := thread(id)
		if err != nil {
			return nil, err
		}
		out.Threads = append(out.Threads, exportThread{d.Title, where(d), d.URL(), d.CreatedAt})
	}

	rows, err := q.Query(ctx, `SELECT `+postColumns+postFrom+` WHERE p.author_id = ? ORDER BY p.id`, memberID)
	if err != nil {
		return nil, err
	}
	var posts []*Post
	for rows.Next() {
		ps, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		posts = append(posts, ps)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ps := range posts {
		d, err := thread(ps.DiscussionID)
		if err != nil {
			return nil, err
		}
		e := exportPost{Thread: d.Title, Where: where(d), URL: d.PostURL(ps.Position), Body: ps.Body, Written: ps.CreatedAt,
			Edited: ps.EditedAt, Hidden: ps.HiddenReason}
		if ps.Hidden() && e.Hidden == "" {
			e.Hidden = "hidden"
		}
		rs, err := q.Query(ctx, `SELECT body FROM post_revisions WHERE post_id = ? ORDER BY id`, ps.ID)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var b string
			if err := rs.Scan(&b); err != nil {
				rs.Close()
				return nil, err
			}
			e.Previous = append(e.Previous, b)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
		out.Posts = append(out.Posts, e)
	}

	type pair struct {
		id    int64
		since time.Time
		pos   int
	}
	for _, part := range []string{"follows", "reads"} {
		query := `SELECT discussion_id, created_at, 0 FROM discussion_follows WHERE member_id = ? ORDER BY created_at, discussion_id`
		if part == "reads" {
			query = `SELECT discussion_id, read_at, last_position FROM discussion_reads WHERE member_id = ? ORDER BY discussion_id`
		}
		rows, err := q.Query(ctx, query, memberID)
		if err != nil {
			return nil, err
		}
		var got []pair
		for rows.Next() {
			var pr pair
			if err := rows.Scan(&pr.id, &pr.since, &pr.pos); err != nil {
				rows.Close()
				return nil, err
			}
			got = append(got, pr)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, pr := range got {
			d, err := thread(pr.id)
			if err != nil {
				return nil, err
			}
			if part == "follows" {
				out.Follows = append(out.Follows, exportFollow{d.Title, d.URL(), pr.since})
			} else {
				out.Reads = append(out.Reads, exportRead{d.Title, d.URL(), pr.pos})
			}
		}
	}
	return out, nil
}

// Erase takes the member out of every thread. With Anonymise their posts
// and threads stay, with no link to them. With Remove the words of their
// posts go (each post keeps its place, shown as removed by its author, so
// the thread's numbering and others' quotes still make sense), with every
// earlier version; a thread they started stays for the replies others
// wrote in it, and goes entirely when nobody else wrote in it. Follows and
// read markers go either way.
func (p DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, mode memberdata.Mode) error {
	s := p.Store
	touched, err := s.ids(ctx, tx, `SELECT DISTINCT discussion_id FROM posts WHERE author_id = ?`, memberID)
	if err != nil {
		return err
	}
	if mode == memberdata.Remove {
		alone, err := s.ids(ctx, tx, `SELECT d.id FROM discussions d WHERE d.author_id = ?
			AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.discussion_id = d.id AND (p.author_id IS NULL OR p.author_id <> ?))`, memberID, memberID)
		if err != nil {
			return err
		}
		for _, id := range alone {
			if _, err := tx.Exec(ctx, `DELETE FROM discussions WHERE id = ?`, id); err != nil {
				return err
			}
			if err := s.search.Remove(ctx, tx, "discussion", strconv.FormatInt(id, 10)); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE author_id = ?)`,
			`DELETE FROM post_revisions WHERE editor_id = ?`,
		} {
			if _, err := tx.Exec(ctx, q, memberID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET body = '', removed_at = ? WHERE author_id = ?`, s.now(), memberID); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE posts SET author_id = NULL WHERE author_id = ?`,
		`UPDATE discussions SET author_id = NULL WHERE author_id = ?`,
		`UPDATE post_revisions SET editor_id = NULL WHERE editor_id = ?`,
		`DELETE FROM discussion_follows WHERE member_id = ?`,
		`DELETE FROM discussion_reads WHERE member_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, memberID); err != nil {
			return err
		}
	}
	for _, id := range touched {
		if err := s.reindex(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}
