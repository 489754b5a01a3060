package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"involve/internal/accounts"
	"involve/internal/groups"
)

// BenchmarkPages serves the pages bench/run loads, in process and without
// the network: a thread page of 30 posts read by a signed-in member, a
// group's page, the directory, the home page and a search whose words are
// in every group and in the thread. Its figures (time,
// bytes and allocations per page) move less with a busy machine than
// wrk's, so a change can be judged by them; bench/run gives the ratio to
// the machine's ceiling.
//
//	go test -run '^$' -bench Pages -benchmem ./internal/web
func BenchmarkPages(b *testing.B) {
	e := sqliteEnv(b)
	ctx := context.Background()
	for i := range 12 {
		e.createMember(fmt.Sprintf("peer%d", i))
	}
	reader := e.createMember("reader")
	g := e.discGroup("Harbour Peers", groups.Public, "peer0", map[string]string{"reader": groups.Member, "peer1": groups.Member})
	for i := range 40 {
		if _, err := e.Srv.Groups.Create(ctx, e.member("peer2").ID, groups.Input{Name: fmt.Sprintf("Peer group %d", i),
			Kind: groups.SelfOrganisation, Visibility: groups.Public, Joining: groups.Open,
			About:  "We meet every week to talk about **harm reduction**, naloxone and housing.",
			Region: "Region " + fmt.Sprint(i%5), Topics: "harm reduction, housing", Languages: "en, ru"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	d := e.discThread(g, "peer0", "Naloxone training next month", "Who would like to come?")
	for i := range 50 {
		e.discReply(d, fmt.Sprintf("peer%d", i%12), fmt.Sprintf("Reply %d: I can come, and I will bring *two* friends from [the group](/groups/harbour-peers).\n\n> Who would like to come?\n\nSee you there.", i))
	}
	token, err := e.Srv.Accounts.NewSession(ctx, reader.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name, path string
		member     *accounts.Member
	}{
		{"thread", d.URL(), reader},
		{"group", "/groups/" + g.Slug, nil},
		{"directory", "/groups?language=ru", nil},
		{"home", "/", nil},
		{"search", "/search?q=naloxone+training", nil},
	} {
		b.Run(p.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, p.path, nil)
			if p.member != nil {
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
			}
			size := 0
			for b.Loop() {
				w := httptest.NewRecorder()
				e.Srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: status %d", p.path, w.Code)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "page-bytes")
		})
	}
}
