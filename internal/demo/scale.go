package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/meetings"
	"involve/internal/organisations"
	"involve/internal/search"
)

// The large data set: `involve demo --scale N` adds, beside the demo
// content, what a busy Involve holds, for benchmarks and for seeing how
// pages behave when lists are long. At N = 1 that is the sizes below;
// everything grows linearly with N. Groups follow a long tail (a few with
// thousands of members, most with a handful), and so do replies (a few
// threads run to thousands of posts, many have two or three).
//
// Speed matters (N = 1 in well under a minute on SQLite): the generated
// members share one passphrase hash (argon2id is slow on purpose), rows go
// in through prepared multi-row INSERTs in a few transactions, and the
// search documents are written once per thing at the end rather than
// after every post as the stores do.
const (
	ScaleMembers     = 10000
	ScaleGroups      = 500
	ScaleDiscussions = 5000
	ScaleReplies     = 200000
	ScaleMeetings    = 5000
)

// ThreadReplies is how many replies the thread ScaleResult.ThreadURL
// names has: a benchmark can count on it.
const ThreadReplies = 50

// ScaleResult says what Scale added and where to look.
type ScaleResult struct {
	Members, Groups, Memberships, Discussions, Replies, Meetings, SearchDocuments int
	GroupURL                                                                      string // the largest public group
	ThreadURL                                                                     string // a thread in it with ThreadReplies replies
	MeetingURL                                                                    string // a meeting of the largest group
	Took                                                                          time.Duration
}

// sized is base scaled by n, at least 1.
func sized(base int, n float64) int { return max(1, int(math.Round(float64(base)*n))) }

type genMember struct {
	id     int64
	handle string
}

type genGroup struct {
	id                 int64
	slug, name, city   string
	kind, vis, joining string
	about              string
	topics, langs      []string
	hidden             bool
	members            []int // indexes into generator.members; the first is the admin
}

func (g *genGroup) public() bool { return g.vis == groups.Public && !g.hidden }

type generator struct {
	a       *app.App
	r       *rand.Rand
	now     time.Time
	res     *ScaleResult
	members []genMember
	groups  []*genGroup
	lines   map[string][]string // scripted demo posts by language, more replies to draw on
	plain   map[string]string   // body -> its plain text, for the search documents
}

// Scale adds the large data set at size n to a database that already has
// the demo content (Fill). Every generated member signs in with
// Passphrase.
func Scale(ctx context.Context, a *app.App, n float64) (*ScaleResult, error) {
	if n <= 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, errors.New("demo: scale must be a number above 0")
	}
	start := time.Now()
	g := &generator{a: a, r: rand.New(rand.NewPCG(2026, 11)), now: start.UTC().Truncate(time.Second),
		res: &ScaleResult{}, lines: map[string][]string{}, plain: map[string]string{}}
	for _, sc := range append(append([]script{}, forumScripts...), groupScripts...) {
		for _, l := range sc.lines {
			g.lines[sc.lang] = append(g.lines[sc.lang], l.text)
		}
	}
	steps := []func(context.Context, float64) error{g.addMembers, g.addGroups, g.addDiscussions, g.addMeetings, g.finishPostgres}
	for _, step := range steps {
		if err := step(ctx, n); err != nil {
			return nil, fmt.Errorf("demo: scale: %w", err)
		}
	}
	g.res.Took = time.Since(start)
	return g.res, nil
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

// ago is a time up to days before now.
func (g *generator) ago(days int) time.Time {
	return g.now.Add(-time.Duration(g.r.Int64N(int64(days) * int64(24*time.Hour))))
}

// nextID is one more than the highest id in table, so generated rows can
// carry their ids (and reference each other) without reading them back.
func nextID(ctx context.Context, q db.Querier, table string) (int64, error) {
	var id int64
	// table is one of our own constants.
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&id)
	return id + 1, err
}

func (g *generator) addMembers(ctx context.Context, n float64) error {
	count := sized(ScaleMembers, n)
	hash := accounts.HashPassphrase(Passphrase) // once: argon2id takes tens of milliseconds by design
	locales := []string{"", "", "en", "en", "en", "nl", "nl", "ru", "ru", "de"}
	langNames := map[string]string{"": "English", "en": "English", "nl": "Dutch, English", "ru": "Russian, English", "de": "German, English"}
	vis := []accounts.Visibility{accounts.OnlyMe, accounts.Members, accounts.Members, accounts.Public}
	return g.a.DB.Tx(ctx, func(tx *db.Tx) error {
		first, err := nextID(ctx, tx, "members")
		if err != nil {
			return err
		}
		b, err := newBulk(ctx, tx, "members", "id", "handle", "handle_key", "passphrase_hash", "locale",
			"display_name", "display_name_vis", "languages", "languages_vis", "region", "region_vis", "bio", "bio_vis",
			"created_at", "passphrase_set_at")
		if err != nil {
			return err
		}
		seps := []string{"-", "_", ""}
		for i := range count {
			id := first + int64(i)
			name := g.pick(scaleNames)
			// The id keeps handles unique; demo handles carry no digits.
			handle := name + seps[i%len(seps)] + strconv.FormatInt(id, 10)
			display := ""
			if g.r.IntN(2) == 0 {
				display = strings.ToUpper(name[:1]) + name[1:]
			}
			bio := ""
			if g.r.IntN(5) == 0 {
				bio = g.pick(scaleBios)
			}
			locale := g.pick(locales)
			created := g.ago(900)
			if err := b.add(id, handle, accounts.HandleKey(handle), hash, locale,
				display, vis[g.r.IntN(len(vis))], langNames[locale], accounts.Members,
				scaleCities[g.r.IntN(len(scaleCities)-1)].name, accounts.OnlyMe, bio, vis[1+g.r.IntN(2)],
				created, created); err != nil {
				return err
			}
			g.members = append(g.members, genMember{id: id, handle: handle})
		}
		g.res.Members = count
		return b.close()
	})
}

// groupNames returns count distinct group names (with their pattern and
// city), none taken by a group already there.
func (g *generator) groupNames(ctx context.Context, count int) ([]*genGroup, error) {
	taken := map[string]bool{}
	rows, err := g.a.DB.Query(ctx, `SELECT slug FROM groups`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		taken[s] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type combo struct {
		p scalePattern
		c scaleCity
	}
	var combos []combo
	for _, p := range scalePatterns {
		for _, c := range scaleCities {
			if p.lang == "" || p.lang == c.lang {
				combos = append(combos, combo{p, c})
			}
		}
	}
	g.r.Shuffle(len(combos), func(i, j int) { combos[i], combos[j] = combos[j], combos[i] })
	var out []*genGroup
	// Beyond the combinations, a second and third chapter in a city.
	for round := 1; len(out) < count; round++ {
		for _, cb := range combos {
			if len(out) == count {
				break
			}
			name := fmt.Sprintf(cb.p.name, cb.c.name)
			if round > 1 {
				name += " " + strconv.Itoa(round)
			}
			slug := organisations.Slugify(name)
			if taken[slug] {
				continue
			}
			taken[slug] = true
			langs := []string{cb.c.lang}
			if cb.c.lang != "en" {
				langs = append(langs, "en")
			}
			out = append(out, &genGroup{slug: slug, name: name, city: cb.c.name, kind: cb.p.kind, topics: cb.p.topics, langs: langs})
		}
	}
	return out, nil
}

func (g *generator) addGroups(ctx context.Context, n float64) error {
	count := sized(ScaleGroups, n)
	gs, err := g.groupNames(ctx, count)
	if err != nil {
		return err
	}
	// Sizes fall off with rank: the largest has about a third of all
	// members, the median a dozen.
	m := len(g.members)
	biggest := float64(m) * 0.3
	for i, gg := range gs {
		size := min(m, 3+int(biggest*math.Pow(float64(i+1), -1.1)))
		gg.members = g.sample(m, size)
		switch v := g.r.IntN(20); {
		case i == 0 || v < 15:
			gg.vis = groups.Public
			gg.joining = []string{groups.Open, groups.Open, groups.Open, groups.Request, groups.Request, groups.Invitation}[g.r.IntN(6)]
		case v < 18:
			gg.vis = groups.MembersOnly
			gg.joining = []string{groups.Request, groups.Request, groups.Invitation}[g.r.IntN(3)]
		default:
			gg.vis = groups.Secret
			gg.joining = groups.Invitation
		}
		if i == 0 {
			gg.joining = groups.Open
		}
		gg.hidden = i > 0 && g.r.IntN(200) == 0
		gg.about = g.about(gg)
	}
	g.groups = gs
	return g.a.DB.Tx(ctx, func(tx *db.Tx) error {
		first, err := nextID(ctx, tx, "groups")
		if err != nil {
			return err
		}
		gb, err := newBulk(ctx, tx, "groups", "id", "slug", "name", "kind", "visibility", "joining", "about", "region",
			"topics", "languages", "created_by", "created_at", "hidden_at", "hidden_reason")
		if err != nil {
			return err
		}
		created := make([]time.Time, len(gs))
		for i, gg := range gs {
			gg.id = first + int64(i)
			created[i] = g.ago(800)
			var hiddenAt any
			reason := ""
			if gg.hidden {
				hiddenAt, reason = g.now.Add(-48*time.Hour), "Adverts for selling, against the community rules."
			}
			admin := g.members[gg.members[0]].id
			if err := gb.add(gg.id, gg.slug, gg.name, gg.kind, gg.vis, gg.joining, gg.about, gg.city,
				strings.Join(gg.topics, ", "), strings.Join(gg.langs, ", "), admin, created[i], hiddenAt, reason); err != nil {
				return err
			}
		}
		// Groups first, then their members: foreign keys are checked as
		// rows go in.
		if err := gb.close(); err != nil {
			return err
		}
		mb, err := newBulk(ctx, tx, "group_members", "group_id", "member_id", "role", "joined_at")
		if err != nil {
			return err
		}
		for i, gg := range gs {
			moderators := 1 + len(gg.members)/300
			for j, mi := range gg.members {
				role := groups.Member
				switch {
				case j == 0:
					role = groups.Admin
				case j <= moderators && len(gg.members) > 5:
					role = groups.Moderator
				}
				joined := created[i].Add(time.Duration(g.r.Int64N(int64(g.now.Sub(created[i])) + 1)))
				if err := mb.add(gg.id, g.members[mi].id, role, joined); err != nil {
					return err
				}
			}
			g.res.Memberships += len(gg.members)
		}
		if err := mb.close(); err != nil {
			return err
		}
		for _, gg := range gs {
			doc := &groups.Group{Slug: gg.slug, Name: gg.name, Visibility: gg.vis, About: gg.about, Region: gg.city,
				Topics: gg.topics, Languages: gg.langs}
			if gg.hidden {
				doc.HiddenAt = &g.now
			}
			if err := groups.Index(ctx, tx, g.a.Search, doc); err != nil {
				return err
			}
			if gg.vis != groups.Secret && !gg.hidden {
				g.res.SearchDocuments++
			}
		}
		g.res.Groups = len(gs)
		g.res.GroupURL = "/groups/" + gs[0].slug
		return nil
	})
}

// sample picks k distinct indexes below n (Floyd's algorithm), in random order.
func (g *generator) sample(n, k int) []int {
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for j := n - k; j < n; j++ {
		t := g.r.IntN(j + 1)
		if seen[t] {
			t = j
		}
		seen[t] = true
		out = append(out, t)
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// about writes a group's about text in the city's language (English when
// there is no text in it), with an English line for visitors.
func (g *generator) about(gg *genGroup) string {
	lang := gg.langs[0]
	pool := scaleAbout[lang]
	if pool == nil {
		lang, pool = "en", scaleAbout["en"]
	}
	var parts []string
	for _, i := range g.r.Perm(len(pool))[:min(len(pool), 2+g.r.IntN(3))] {
		parts = append(parts, fill(pool[i], gg.city))
	}
	if lang != "en" && g.r.IntN(2) == 0 {
		parts = append(parts, "\n\n"+scaleAbout["en"][1])
	}
	return strings.Join(parts, " ")
}

// fill puts word in for %s, if the text has one.
func fill(text, word string) string {
	if strings.Contains(text, "%s") {
		return fmt.Sprintf(text, word)
	}
	return text
}

// replyCounts spreads total replies over count threads with a long tail:
// one in five threads gets at most three, the rest a share falling with
// rank. Thread special gets exactly ThreadReplies (or all there are).
func (g *generator) replyCounts(count, total, special int) []int {
	counts := make([]int, count)
	var tail []int
	rest := total - min(total, ThreadReplies)
	counts[special] = total - rest
	for _, i := range g.r.Perm(count) {
		if i == special {
			continue
		}
		if g.r.IntN(5) == 0 {
			c := min(rest, g.r.IntN(4))
			counts[i] = c
			rest -= c
			continue
		}
		tail = append(tail, i)
	}
	var sum float64
	w := make([]float64, len(tail))
	for rank := range tail {
		w[rank] = math.Pow(float64(rank+1), -0.75)
		sum += w[rank]
	}
	left := rest
	for rank, i := range tail {
		c := int(float64(rest) * w[rank] / sum)
		counts[i] = c
		left -= c
	}
	for k := 0; left > 0 && len(tail) > 0; k++ {
		counts[tail[k%len(tail)]]++
		left--
	}
	return counts
}

// genThread is one generated discussion, before it is written.
type genThread struct {
	id      int64
	group   *genGroup // nil: the forum
	lang    string    // "" for another language
	text    string    // the language its words are in
	replies int
}

// threadLang chooses the language a thread is written in: mostly the
// group's own, English often, now and then another.
func (g *generator) threadLang(gg *genGroup) (lang, text string) {
	local := "en"
	if gg != nil {
		local = gg.langs[0]
	} else if v := g.r.IntN(10); v < 2 {
		local = []string{"nl", "ru", "de", "cs", "pt"}[g.r.IntN(5)]
	}
	if g.r.IntN(5) < 2 {
		local = "en"
	}
	switch local {
	case "en", "nl", "ru":
		return local, local
	case "de", "cs", "pt":
		return "", local
	}
	return "en", "en"
}

func (g *generator) addDiscussions(ctx context.Context, n float64) error {
	count := sized(ScaleDiscussions, n)
	// Threads land in groups in proportion to their size; one in five is
	// in the open forum. The first one is in the largest group.
	var weighted []*genGroup
	for _, gg := range g.groups {
		for range len(gg.members) {
			weighted = append(weighted, gg)
		}
	}
	threads := make([]*genThread, count)
	for i := range threads {
		t := &genThread{}
		switch {
		case i == 0:
			t.group = g.groups[0]
		case g.r.IntN(5) > 0:
			t.group = weighted[g.r.IntN(len(weighted))]
		}
		t.lang, t.text = g.threadLang(t.group)
		threads[i] = t
	}
	for i, c := range g.replyCounts(count, sized(ScaleReplies, n), 0) {
		threads[i].replies = c
	}
	// The forum's regulars: most posts come from a few voices.
	forum := make([]int, len(g.members))
	for i := range forum {
		forum[i] = i
	}
	firstThread, err := nextID(ctx, g.a.DB, "discussions")
	if err != nil {
		return err
	}
	firstPost, err := nextID(ctx, g.a.DB, "posts")
	if err != nil {
		return err
	}
	nextPost := firstPost
	// A few hundred threads per transaction keeps each commit's write-ahead
	// log small.
	const perTx = 250
	for lo := 0; lo < count; lo += perTx {
		batch := threads[lo:min(count, lo+perTx)]
		err := g.a.DB.Tx(ctx, func(tx *db.Tx) error {
			// Threads first, then their posts: foreign keys are checked
			// as rows go in.
			type genPost struct {
				author int // member index
				body   string
				at     time.Time
			}
			posts := make([][]genPost, len(batch))
			tb, err := newBulk(ctx, tx, "discussions", "id", "group_id", "title", "lang", "author_id", "created_at",
				"last_post_at", "reply_count", "pinned_at", "locked_at")
			if err != nil {
				return err
			}
			var docs []search.Document
			for k, t := range batch {
				t.id = firstThread + int64(lo+k)
				voices := forum
				city, topic := scaleCities[g.r.IntN(len(scaleCities))].name, g.pick(scalePatterns[0].topics)
				if t.group != nil {
					voices, city, topic = t.group.members, t.group.city, g.pick(t.group.topics)
				}
				title := strings.NewReplacer("{city}", city, "{topic}", topic).Replace(g.pick(scaleTitles[t.text]))
				regulars := voices[:min(len(voices), 12)]
				who := func() int {
					if g.r.IntN(10) < 6 {
						return regulars[g.r.IntN(len(regulars))]
					}
					return voices[g.r.IntN(len(voices))]
				}
				created := g.ago(720)
				times := g.postTimes(created, t.replies)
				var text strings.Builder
				var prev []string
				for pos := 1; pos <= t.replies+1; pos++ {
					author := who()
					if pos == 1 && t.group != nil && g.r.IntN(3) == 0 {
						author = t.group.members[0]
					}
					body := g.body(t.text, city, pos == 1, prev)
					posts[k] = append(posts[k], genPost{author, body, times[pos-1]})
					prev = append(prev[max(0, len(prev)-3):], g.members[author].handle)
					if pos <= 200 && text.Len() < discussions.SearchBodyMax {
						text.WriteString(g.plainText(body))
						text.WriteString("\n")
					}
				}
				var pinned, locked any
				if g.r.IntN(50) == 0 {
					pinned = created
				}
				if g.r.IntN(100) == 0 && lo+k != 0 {
					locked = times[len(times)-1]
				}
				var groupID any
				if t.group != nil {
					groupID = t.group.id
				}
				if err := tb.add(t.id, groupID, title, t.lang, g.members[posts[k][0].author].id, created, times[len(times)-1],
					t.replies, pinned, locked); err != nil {
					return err
				}
				g.res.Discussions++
				g.res.Replies += t.replies
				if t.group == nil || t.group.public() {
					docs = append(docs, g.threadDoc(t, title, text.String()))
				}
				if lo+k == 0 {
					g.res.ThreadURL = "/groups/" + t.group.slug + "/discussions/" + strconv.FormatInt(t.id, 10)
				}
			}
			if err := tb.close(); err != nil {
				return err
			}
			pb, err := newBulk(ctx, tx, "posts", "id", "discussion_id", "position", "author_id", "body", "created_at")
			if err != nil {
				return err
			}
			fb, err := newBulk(ctx, tx, "discussion_follows", "member_id", "discussion_id", "created_at")
			if err != nil {
				return err
			}
			rb, err := newBulk(ctx, tx, "discussion_reads", "member_id", "discussion_id", "last_position", "read_at")
			if err != nil {
				return err
			}
			for k, t := range batch {
				// As Import does: everyone who wrote follows the thread
				// and has read it up to their own last post.
				lastOwn := map[int]int{}
				for i, p := range posts[k] {
					if err := pb.add(nextPost, t.id, i+1, g.members[p.author].id, p.body, p.at); err != nil {
						return err
					}
					nextPost++
					lastOwn[p.author] = i + 1
				}
				for mi, pos := range lastOwn {
					at := posts[k][pos-1].at
					if err := fb.add(g.members[mi].id, t.id, at); err != nil {
						return err
					}
					if err := rb.add(g.members[mi].id, t.id, pos, at); err != nil {
						return err
					}
				}
			}
			for _, b := range []*bulk{pb, fb, rb} {
				if err := b.close(); err != nil {
					return err
				}
			}
			for _, d := range docs {
				if err := g.a.Search.Put(ctx, tx, d); err != nil {
					return err
				}
			}
			g.res.SearchDocuments += len(docs)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// addMeetings gives groups meetings in proportion to their size, over
// the past year and the next four months, with venues, access, practical
// support and registrations; the search documents are made as the
// meetings store makes them.
func (g *generator) addMeetings(ctx context.Context, n float64) error {
	count := sized(ScaleMeetings, n)
	var weighted []*genGroup
	for _, gg := range g.groups {
		for range len(gg.members) {
			weighted = append(weighted, gg)
		}
	}
	zones := map[string]string{"nl": "Europe/Amsterdam", "ru": "Europe/Riga", "de": "Europe/Berlin", "cs": "Europe/Prague",
		"pt": "Europe/Lisbon", "en": "Europe/London"}
	return g.a.DB.Tx(ctx, func(tx *db.Tx) error {
		first, err := nextID(ctx, tx, "meetings")
		if err != nil {
			return err
		}
		mb, err := newBulk(ctx, tx, "meetings", "id", "group_id", "title", "description", "time_zone", "starts_at", "ends_at",
			"mode", "venue", "address", "access", "online_link", "travel", "food", "interpretation", "language", "region",
			"registration", "capacity", "status", "cancelled_at", "created_by", "created_at", "updated_at")
		if err != nil {
			return err
		}
		type reg struct {
			meeting int64
			member  int
			at      time.Time
		}
		var regs []reg
		used := map[*genGroup]bool{}
		for i := range count {
			gg := weighted[g.r.IntN(len(weighted))]
			if i == 0 {
				gg = g.groups[0] // MeetingURL: in the largest group, public
			}
			used[gg] = true
			id := first + int64(i)
			lang := gg.langs[0]
			titles := scaleMeetings[lang]
			if titles == nil || g.r.IntN(3) == 0 {
				lang, titles = "en", scaleMeetings["en"]
			}
			// Evenings, from a year ago to four months ahead.
			day := g.now.Truncate(24*time.Hour).AddDate(0, 0, g.r.IntN(485)-365)
			starts := day.Add(time.Duration(16+g.r.IntN(4)) * time.Hour)
			mode := []string{meetings.InPerson, meetings.InPerson, meetings.Both, meetings.Online}[g.r.IntN(4)]
			venue, address, access, link := "", "", "", ""
			if mode != meetings.Online {
				venue, address = g.pick(scaleVenues), gg.city
				access = strings.Join(meetings.AccessFeatures[:1+g.r.IntN(3)], ",")
			}
			if mode != meetings.InPerson {
				link = "https://meet.example.org/" + gg.slug + "-" + strconv.FormatInt(id, 10)
			}
			travel, food := "", ""
			if g.r.IntN(2) == 0 {
				travel = "Travel costs paid in cash on the day."
			}
			if g.r.IntN(3) == 0 {
				food = "Soup and sandwiches."
			}
			status, cancelled := meetings.Scheduled, any(nil)
			if g.r.IntN(25) == 0 && i > 0 {
				status, cancelled = meetings.Cancelled, starts.Add(-72*time.Hour)
			}
			created := starts.Add(-time.Duration(7+g.r.IntN(30)) * 24 * time.Hour)
			registration := []string{meetings.RegisterOpen, meetings.RegisterOpen, meetings.RegisterApproval}[g.r.IntN(3)]
			capacity := []int{0, 12, 20, 40}[g.r.IntN(4)]
			desc := fill(g.pick(scaleAbout[map[bool]string{true: lang, false: "en"}[scaleAbout[lang] != nil]]), gg.city)
			if err := mb.add(id, gg.id, g.pick(titles), desc, zones[gg.langs[0]], starts, starts.Add(2*time.Hour),
				mode, venue, address, access, link, travel, food, "", lang, gg.city,
				registration, capacity, status, cancelled, g.members[gg.members[0]].id, created, created); err != nil {
				return err
			}
			for _, mi := range g.sample(len(gg.members), min(len(gg.members), g.r.IntN(12)+1)) {
				regs = append(regs, reg{id, gg.members[mi], created.Add(time.Duration(g.r.IntN(72)) * time.Hour)})
			}
		}
		if err := mb.close(); err != nil {
			return err
		}
		rb, err := newBulk(ctx, tx, "meeting_registrations", "meeting_id", "member_id", "status", "created_at", "updated_at")
		if err != nil {
			return err
		}
		for _, r := range regs {
			if err := rb.add(r.meeting, g.members[r.member].id, meetings.Registered, r.at, r.at); err != nil {
				return err
			}
		}
		if err := rb.close(); err != nil {
			return err
		}
		var before int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM search_documents WHERE kind = 'meeting'`).Scan(&before); err != nil {
			return err
		}
		for _, gg := range g.groups {
			if used[gg] {
				if err := meetings.IndexGroup(ctx, tx, g.a.Search, gg.id); err != nil {
					return err
				}
			}
		}
		var docs int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM search_documents WHERE kind = 'meeting'`).Scan(&docs); err != nil {
			return err
		}
		g.res.Meetings = count
		g.res.SearchDocuments += docs - before
		g.res.MeetingURL = "/meetings/" + strconv.FormatInt(first, 10)
		return nil
	})
}

// threadDoc is the search document of a public thread, as the
// discussions store makes it.
func (g *generator) threadDoc(t *genThread, title, text string) search.Document {
	if len(text) > discussions.SearchBodyMax {
		text = strings.ToValidUTF8(text[:discussions.SearchBodyMax], "")
	}
	ref := strconv.FormatInt(t.id, 10)
	url := "/discussions/" + ref
	if t.group != nil {
		url = "/groups/" + t.group.slug + "/discussions/" + ref
	}
	lang := t.lang
	if lang == "" {
		lang = "und"
	}
	return search.Document{Kind: "discussion", Ref: ref, Lang: lang, Title: title, Body: text, URL: url, Visibility: search.Public}
}

// postTimes returns n+1 increasing times from start to some time before
// now: replies come quickly at first and slow down.
func (g *generator) postTimes(start time.Time, n int) []time.Time {
	span := g.now.Add(-time.Hour).Sub(start)
	if span <= 0 {
		span = time.Minute
	}
	// A thread runs for a while, not always until today.
	span = time.Duration(float64(span) * (0.05 + 0.95*g.r.Float64()))
	u := make([]float64, n)
	for i := range u {
		x := g.r.Float64()
		u[i] = x * x
	}
	sort.Float64s(u)
	out := make([]time.Time, 0, n+1)
	out = append(out, start)
	for _, x := range u {
		out = append(out, start.Add(time.Duration(x*float64(span))).Add(time.Second))
	}
	return out
}

// body writes a post in language lang: short answers, longer stories,
// now and then two paragraphs or a word to someone earlier in the thread.
func (g *generator) body(lang, city string, first bool, prev []string) string {
	long := append(append([]string{}, scaleLong[lang]...), g.lines[lang]...)
	one := func() string { return fill(g.pick(long), city) }
	var s string
	switch v := g.r.IntN(20); {
	case first && v < 12:
		s = one()
	case first:
		s = one() + "\n\n" + one()
	case v < 8:
		s = g.pick(scaleShort[lang])
	case v < 17:
		s = one()
	default:
		s = one() + "\n\n" + g.pick(scaleShort[lang])
	}
	if !first && len(prev) > 0 && g.r.IntN(12) == 0 {
		s = "@" + prev[len(prev)-1] + " " + s
	}
	return s
}

// plainText is discussions.PlainText, remembered: the bodies repeat.
func (g *generator) plainText(body string) string {
	if t, ok := g.plain[body]; ok {
		return t
	}
	t := discussions.PlainText(body)
	g.plain[body] = t
	return t
}

// finishPostgres moves PostgreSQL's id sequences past the ids Scale
// chose, so rows added later get fresh ones, then vacuums and gathers the
// planner's statistics, as PostgreSQL advises after a bulk load
// (autovacuum would, a little later, and a benchmark should not depend on
// when): without statistics it sorts a whole group's threads for the
// first five; without the vacuum every first read of a row sets its hint
// bits, index-only scans visit the table, and the search index's GIN
// keeps its bulk inserts in a pending list that every search scans in
// full (a sequential scan of every document, 110 ms for "naloxone
// training"). A signed-in thread page served 1,612 requests a second
// before the vacuum and 1,925-1,988 after. SQLite needs none of it;
// Involve never runs ANALYZE there, so neither does Scale.
func (g *generator) finishPostgres(ctx context.Context, _ float64) error {
	if g.a.DB.Dialect() != db.Postgres {
		return nil
	}
	for _, t := range []string{"members", "groups", "discussions", "posts", "meetings", "meeting_registrations"} {
		if _, err := g.a.DB.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
			return err
		}
	}
	_, err := g.a.DB.Exec(ctx, `VACUUM ANALYZE`)
	return err
}

// bulk inserts rows into one table many at a time: full batches through
// one prepared multi-row INSERT, the remainder through one more at close.
type bulk struct {
	ctx  context.Context
	tx   *db.Tx
	head string
	cols int
	per  int // rows per statement
	stmt *db.Stmt
	args []any
}

func newBulk(ctx context.Context, tx *db.Tx, table string, cols ...string) (*bulk, error) {
	// SQLite allows 32766 parameters in a statement, PostgreSQL 65535.
	per := min(200, 30000/len(cols))
	b := &bulk{ctx: ctx, tx: tx, cols: len(cols), per: per,
		head: `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `}
	st, err := tx.Prepare(ctx, b.query(per))
	if err != nil {
		return nil, err
	}
	b.stmt = st
	return b, nil
}

func (b *bulk) query(rows int) string {
	row := "(" + db.Placeholders(b.cols) + ")"
	return b.head + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

func (b *bulk) add(vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), b.cols)
	}
	b.args = append(b.args, vals...)
	if len(b.args) < b.per*b.cols {
		return nil
	}
	_, err := b.stmt.Exec(b.ctx, b.args...)
	b.args = b.args[:0]
	return err
}

func (b *bulk) close() error {
	defer b.stmt.Close()
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.tx.Exec(b.ctx, b.query(len(b.args)/b.cols), b.args...)
	b.args = b.args[:0]
	return err
}
