package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/groups"
	"involve/internal/meetings"
)

// BenchmarkPages serves the pages bench/run loads, in process and without
// the network: a thread page of 30 posts read by a signed-in member, a
// group's page, the directory, the home page, a search whose words are
// in every group and in the thread, and the meetings list (400 upcoming
// meetings of 41 groups). Its figures (time,
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
	gs := []*groups.Group{g}
	for i := range 40 {
		pg, err := e.Srv.Groups.Create(ctx, e.member("peer2").ID, groups.Input{Name: fmt.Sprintf("Peer group %d", i),
			Kind: groups.SelfOrganisation, Visibility: groups.Public, Joining: groups.Open,
			About:  "We meet every week to talk about **harm reduction**, naloxone and housing.",
			Region: "Region " + fmt.Sprint(i%5), Topics: "harm reduction, housing", Languages: "en, ru"}, nil)
		if err != nil {
			b.Fatal(err)
		}
		gs = append(gs, pg)
	}
	for i := range 400 {
		by, gr := e.member("peer2").ID, gs[1+i%40]
		if i%10 == 0 {
			by, gr = e.member("peer0").ID, g
		}
		in := meetings.Input{Title: fmt.Sprintf("Peer meeting %d", i), Description: "We talk about **harm reduction**.",
			TimeZone: "Europe/Amsterdam", Date: time.Now().AddDate(0, 0, 1+i%120).Format(time.DateOnly), StartTime: "18:00",
			EndTime: "20:00", Mode: meetings.Modes[i%3], Venue: "Buurthuis", Address: "Boogstraat 1", OnlineLink: "https://meet.example/x",
			Language: []string{"en", "nl", "ru"}[i%3], Region: "Region " + fmt.Sprint(i%7), Registration: meetings.RegisterOpen, ShowCount: true}
		if _, err := e.Srv.Meetings.Create(ctx, by, meetings.Organiser{GroupID: gr.ID}, in); err != nil {
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
		{"meetings", "/meetings", nil},
		{"meetings-filtered", "/meetings?language=ru&group=" + gs[7].Slug, reader},
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
