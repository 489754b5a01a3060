// Package discussions holds threads and their replies: the open peer forum
// and the discussions inside groups. Posts carry their number in the
// thread, so any page of a long thread is one index range; counters,
// follows, notifications and the search index change in the same
// transaction as the post that changes them.
package discussions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/notify"
	"involve/internal/search"
)

// PerPage is how many posts a page of a thread shows: enough to read on,
// small enough for a cheap phone on a slow network.
const PerPage = 30

// Limits on what is typed.
const (
	TitleMin = 3
	TitleMax = 150
	BodyMax  = 20000
)

// Errors handlers turn into messages.
var (
	ErrLocked    = errors.New("discussions: the discussion is locked")
	ErrHidden    = errors.New("discussions: hidden by a moderator")
	ErrNotAuthor = errors.New("discussions: only the author may edit a post")
	ErrRemoved   = errors.New("discussions: the post was removed")
)

// Person is an author as threads show them.
type Person struct {
	ID          int64 // 0 when the member has left
	Handle      string
	DisplayName string
	DisplayVis  accounts.Visibility
}

// Name is how the person appears to a viewer: the display name where its
// owner lets the viewer see it, else the handle.
func (p Person) Name(viewerSignedIn bool, viewerID int64) string {
	if p.DisplayName != "" && accounts.CanSee(p.DisplayVis, viewerSignedIn, viewerID != 0 && viewerID == p.ID) {
		return p.DisplayName
	}
	return p.Handle
}

// Gone reports whether the person deleted their account.
func (p Person) Gone() bool { return p.ID == 0 }

// Discussion is one thread.
type Discussion struct {
	ID           int64
	GroupID      *int64 // nil: the open forum
	GroupSlug    string
	GroupName    string
	Title        string
	Lang         string // "en", "nl", "ru", or "" for another language
	Author       Person
	CreatedAt    time.Time
	LastPostAt   time.Time
	ReplyCount   int
	PinnedAt     *time.Time
	LockedAt     *time.Time
	HiddenAt     *time.Time
	HiddenReason string
	// LastRead is the highest position the viewer has been shown, in
	// lists and threads read for a member; 0 when never opened.
	LastRead int
	// Following says whether the viewer follows the thread; ForReader
	// fills it.
	Following bool
}

// Posts is how many posts the thread has, the first one included.
func (d *Discussion) Posts() int { return d.ReplyCount + 1 }

// Pages is how many pages the thread takes.
func (d *Discussion) Pages() int { return PageOf(d.Posts(), PerPage) }

// Unread is how many posts the viewer has not been shown.
func (d *Discussion) Unread() int { return max(0, d.Posts()-d.LastRead) }

// URL is the thread's address: under its group, or in the forum.
func (d *Discussion) URL() string {
	if d.GroupID != nil {
		return "/groups/" + d.GroupSlug + "/discussions/" + strconv.FormatInt(d.ID, 10)
	}
	return "/discussions/" + strconv.FormatInt(d.ID, 10)
}

// PostURL is the address of the post at position n, on its page.
func (d *Discussion) PostURL(n int) string {
	u := d.URL()
	if p := PageOf(n, PerPage); p > 1 {
		u += "?page=" + strconv.Itoa(p)
	}
	return u + "#post-" + strconv.Itoa(n)
}

// FirstUnreadURL leads to the first post the viewer has not seen.
func (d *Discussion) FirstUnreadURL() string { return d.PostURL(min(d.LastRead+1, d.Posts())) }

// InForum reports whether the thread is in the open forum.
func (d *Discussion) InForum() bool { return d.GroupID == nil }

// Input is what a member types to start a thread.
type Input struct {
	Title string
	Body  string
	Lang  string
}

// Langs are the languages a thread can be marked as written in; "" is
// "another language".
var Langs = []string{"en", "nl", "ru", ""}

// Check returns field -> message key for every problem with in.
func (in Input) Check() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); {
	case n == 0:
		errs["title"] = "discussions.title.required"
	case n < TitleMin || n > TitleMax:
		errs["title"] = "discussions.title.length"
	case strings.ContainsAny(in.Title, "\r\n"):
		errs["title"] = "field.one_line"
	}
	if k := CheckBody(in.Body); k != "" {
		errs["body"] = k
	}
	ok := false
	for _, l := range Langs {
		ok = ok || l == in.Lang
	}
	if !ok {
		errs["lang"] = "discussions.lang.required"
	}
	return errs
}

// CheckBody returns the message key for a post body's problem, "" if none.
func CheckBody(body string) string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(body)); {
	case n == 0:
		return "discussions.body.required"
	case n > BodyMax:
		return "discussions.body.too_long"
	}
	return ""
}

// Store keeps discussions.
type Store struct {
	db     *db.DB
	search *search.Index
	notify *notify.Center
	audit  *audit.Log
	filter RecipientFilter
	now    func() time.Time
}

// NewStore returns a Store on d that indexes public threads in ix, tells
// members about replies and mentions through n, and logs moderators'
// actions in log.
func NewStore(d *db.DB, ix *search.Index, n *notify.Center, log *audit.Log) *Store {
	return &Store{db: d, search: ix, notify: n, audit: log, now: time.Now}
}

const discussionColumns = `d.id, d.group_id, COALESCE(g.slug, ''), COALESCE(g.name, ''), d.title, d.lang,
	COALESCE(d.author_id, 0), COALESCE(m.handle, ''), COALESCE(m.display_name, ''), COALESCE(m.display_name_vis, 'private'),
	d.created_at, d.last_post_at, d.reply_count, d.pinned_at, d.locked_at, d.hidden_at, d.hidden_reason`

const discussionFrom = ` FROM discussions d LEFT JOIN groups g ON g.id = d.group_id LEFT JOIN members m ON m.id = d.author_id`

func scanDiscussion(sc interface{ Scan(...any) error }, extra ...any) (*Discussion, error) {
	d := &Discussion{}
	var vis string
	dest := []any{&d.ID, &d.GroupID, &d.GroupSlug, &d.GroupName, &d.Title, &d.Lang,
		&d.Author.ID, &d.Author.Handle, &d.Author.DisplayName, &vis,
		&d.CreatedAt, &d.LastPostAt, &d.ReplyCount, &d.PinnedAt, &d.LockedAt, &d.HiddenAt, &d.HiddenReason}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.Author.DisplayVis = accounts.Visibility(vis)
	return d, nil
}

// Create starts a thread with its first post, in the forum (groupID nil)
// or a group. The author follows it from the start.
func (s *Store) Create(ctx context.Context, groupID *int64, authorID int64, in Input) (*Discussion, error) {
	now := s.now()
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO discussions (group_id, title, lang, author_id, created_at, last_post_at)
			VALUES (?, ?, ?, ?, ?, ?)`, groupID, strings.TrimSpace(in.Title), in.Lang, authorID, now, now)
		if err != nil {
			return err
		}
		if _, err := db.InsertID(ctx, tx, `INSERT INTO posts (discussion_id, position, author_id, body, created_at) VALUES (?, 1, ?, ?, ?)`,
			id, authorID, strings.TrimSpace(in.Body), now); err != nil {
			return err
		}
		if err := s.follow(ctx, tx, authorID, id); err != nil {
			return err
		}
		if err := s.markRead(ctx, tx, authorID, id, 1); err != nil {
			return err
		}
		d, err := s.discussion(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, tx, d, authorID, in.Body, 1); err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
	if err != nil {
		return nil, fmt.Errorf("discussions: create: %w", err)
	}
	return s.Discussion(ctx, id)
}

// Discussion returns one thread, hidden or not: callers check who may see it.
func (s *Store) Discussion(ctx context.Context, id int64) (*Discussion, error) {
	return s.discussion(ctx, s.db, id)
}

func (s *Store) discussion(ctx context.Context, q db.Querier, id int64) (*Discussion, error) {
	d, err := scanDiscussion(q.QueryRow(ctx, `SELECT `+discussionColumns+discussionFrom+` WHERE d.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("discussions: %d: %w", id, err)
	}
	return d, nil
}

// ListQuery says which threads to list.
type ListQuery struct {
	GroupID  *int64 // nil: the forum
	ViewerID int64  // for unread counts; 0 when signed out
	// WithHidden lists threads moderators hid, for moderators.
	WithHidden bool
	Page       int // from 1
	PerPage    int
	// NoTotal skips counting every thread of the place, for a caller that
	// shows no page links (a group page's latest five); List returns -1.
	NoTotal bool
}

// List returns a page of threads, pinned first, then by latest post, with
// the viewer's unread counts, and how many threads there are in all
// (unless lq.NoTotal).
func (s *Store) List(ctx context.Context, lq ListQuery) ([]*Discussion, int, error) {
	where := ` WHERE d.group_id IS NULL`
	args := []any{}
	if lq.GroupID != nil {
		where = ` WHERE d.group_id = ?`
		args = append(args, *lq.GroupID)
	}
	if !lq.WithHidden {
		where += ` AND d.hidden_at IS NULL`
	}
	total := -1
	if !lq.NoTotal {
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM discussions d`+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	if lq.PerPage <= 0 {
		lq.PerPage = 30
	}
	lq.Page = max(1, lq.Page)
	// Thread lists are short next to posts; a plain OFFSET is fine here.
	q := `SELECT ` + discussionColumns + `, COALESCE(r.last_position, 0)` + discussionFrom +
		` LEFT JOIN discussion_reads r ON r.discussion_id = d.id AND r.member_id = ?` + where +
		` ORDER BY CASE WHEN d.pinned_at IS NULL THEN 1 ELSE 0 END, d.last_post_at DESC, d.id DESC LIMIT ? OFFSET ?`
	rows, err := s.db.Query(ctx, q, append(append([]any{lq.ViewerID}, args...), lq.PerPage, (lq.Page-1)*lq.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Discussion
	for rows.Next() {
		var lastRead int
		d, err := scanDiscussion(rows, &lastRead)
		if err != nil {
			return nil, 0, err
		}
		d.LastRead = lastRead
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// SetPinned pins a thread to the top of its list, or unpins it, logging
// the moderator's action. It reports whether anything changed.
func (s *Store) SetPinned(ctx context.Context, id, actorID int64, on bool) (bool, error) {
	return s.setFlag(ctx, id, actorID, "pinned_at", on, "discussion.pin", "discussion.unpin")
}

// SetLocked closes a thread to new replies, or opens it again.
func (s *Store) SetLocked(ctx context.Context, id, actorID int64, on bool) (bool, error) {
	return s.setFlag(ctx, id, actorID, "locked_at", on, "discussion.lock", "discussion.unlock")
}

func (s *Store) setFlag(ctx context.Context, id, actorID int64, column string, on bool, onAction, offAction string) (bool, error) {
	changed := false
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		// column is one of two constants, never typed by anyone.
		q := `UPDATE discussions SET ` + column + ` = ? WHERE id = ? AND ` + column + ` IS NULL`
		args := []any{s.now(), id}
		action := onAction
		if !on {
			q = `UPDATE discussions SET ` + column + ` = NULL WHERE id = ? AND ` + column + ` IS NOT NULL`
			args = []any{id}
			action = offAction
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := s.discussion(ctx, tx, id); err != nil {
				return err
			}
			return nil // already so
		}
		changed = true
		d, err := s.discussion(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actorID, action, "discussion", strconv.FormatInt(id, 10), d.Title)
	})
	return changed, err
}

// HideDiscussion takes a thread out of lists, feeds and search, with the
// moderator's reason, inside the caller's transaction (beside the
// moderation record).
func (s *Store) HideDiscussion(ctx context.Context, q db.Querier, id int64, reason string) error {
	res, err := q.Exec(ctx, `UPDATE discussions SET hidden_at = ?, hidden_reason = ? WHERE id = ?`, s.now(), reason, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return s.reindex(ctx, q, id)
}

// RestoreDiscussion undoes HideDiscussion.
func (s *Store) RestoreDiscussion(ctx context.Context, q db.Querier, id int64) error {
	res, err := q.Exec(ctx, `UPDATE discussions SET hidden_at = NULL, hidden_reason = '' WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return s.reindex(ctx, q, id)
}

// Location is where a post or thread lives, for moderation: its group
// (nil in the forum), a title and address to show, its author and whether
// it is hidden now.
type Location struct {
	GroupID  *int64
	Title    string
	URL      string
	AuthorID *int64
	Hidden   bool
}

// LocateDiscussion finds a thread for moderation.
func (s *Store) LocateDiscussion(ctx context.Context, q db.Querier, id int64) (Location, error) {
	d, err := s.discussion(ctx, q, id)
	if err != nil {
		return Location{}, err
	}
	l := Location{GroupID: d.GroupID, Title: d.Title, URL: d.URL(), Hidden: d.HiddenAt != nil}
	if d.Author.ID != 0 {
		l.AuthorID = &d.Author.ID
	}
	return l, nil
}

// SearchBodyMax bounds the text of one thread in the search index: the
// title, the first post and as many replies as fit.
const SearchBodyMax = 20000

// reindex puts a thread in the search index when anyone may read it (the
// forum, or a public group that is not hidden) and takes it out otherwise.
func (s *Store) reindex(ctx context.Context, q db.Querier, id int64) error {
	ref := strconv.FormatInt(id, 10)
	var title, lang string
	var groupVis, groupHidden *string
	var hidden *time.Time
	var groupSlug *string
	err := q.QueryRow(ctx, `SELECT d.title, d.lang, d.hidden_at, g.visibility, g.slug, CASE WHEN g.hidden_at IS NULL THEN NULL ELSE 'y' END
		FROM discussions d LEFT JOIN groups g ON g.id = d.group_id WHERE d.id = ?`, id).
		Scan(&title, &lang, &hidden, &groupVis, &groupSlug, &groupHidden)
	if errors.Is(err, db.ErrNotFound) {
		return s.search.Remove(ctx, q, "discussion", ref)
	}
	if err != nil {
		return err
	}
	public := hidden == nil && (groupVis == nil || (*groupVis == "public" && groupHidden == nil))
	if !public {
		return s.search.Remove(ctx, q, "discussion", ref)
	}
	rows, err := q.Query(ctx, `SELECT body FROM posts WHERE discussion_id = ? AND position <= ? AND hidden_at IS NULL AND removed_at IS NULL
		ORDER BY position`, id, 200)
	if err != nil {
		return err
	}
	var b strings.Builder
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			rows.Close()
			return err
		}
		if b.Len() < SearchBodyMax {
			b.WriteString(PlainText(body))
			b.WriteString("\n")
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	text := b.String()
	if len(text) > SearchBodyMax {
		text = strings.ToValidUTF8(text[:SearchBodyMax], "")
	}
	url := "/discussions/" + ref
	if groupSlug != nil {
		url = "/groups/" + *groupSlug + "/discussions/" + ref
	}
	if lang == "" {
		lang = "und"
	}
	return s.search.Put(ctx, q, search.Document{Kind: "discussion", Ref: ref, Lang: lang, Title: title, Body: text,
		URL: url, Visibility: search.Public})
}

// ReindexGroup brings the search documents of a group's threads in line
// with the group, inside the caller's transaction: called when a group is
// created, edited, hidden or restored, so threads leave the index when
// their group stops being public.
func (s *Store) ReindexGroup(ctx context.Context, q db.Querier, groupID int64) error {
	rows, err := q.Query(ctx, `SELECT id FROM discussions WHERE group_id = ?`, groupID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.reindex(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}
