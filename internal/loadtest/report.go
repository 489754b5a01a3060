package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what one run saw.
type Report struct {
	Target  string
	Members int
	Think   time.Duration
	Seed    uint64

	Setup          time.Duration // signing members up or in
	SetupRequests  Figures
	Elapsed        time.Duration // the load itself, until the last request ended
	Requests       Figures
	Writes         map[string]int // acknowledged, by kind
	Verify         Verification
	VerifyRequests Figures
}

// Failed reports whether the run found a server error, a request without
// an answer, or an acknowledged write that is not there.
func (rep *Report) Failed() bool {
	for _, f := range []Figures{rep.SetupRequests, rep.Requests, rep.VerifyRequests} {
		if f.Total.C5 > 0 || f.Total.Transport > 0 {
			return true
		}
	}
	return rep.Verify.Lost > 0 || rep.Verify.Misplaced > 0
}

// RequestsPerSecond is the load's throughput.
func (rep *Report) RequestsPerSecond() float64 {
	if rep.Elapsed <= 0 {
		return 0
	}
	return float64(rep.Requests.Total.Requests) / rep.Elapsed.Seconds()
}

// WriteTable prints the report for people.
func (rep *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "Load on %s: %d members, mean pause %s, seed %d\n", rep.Target, rep.Members, rep.Think, rep.Seed)
	fmt.Fprintf(w, "Setup: %d requests in %s\n", rep.SetupRequests.Total.Requests, rep.Setup.Round(time.Millisecond))
	fmt.Fprintf(w, "Load: %d requests in %s = %.1f req/s\n\n", rep.Requests.Total.Requests, rep.Elapsed.Round(time.Millisecond), rep.RequestsPerSecond())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "action\trequests\t2xx\t3xx\t4xx\t5xx\terrors\tp50 ms\tp90 ms\tp99 ms\tmax ms\t")
	rows := slices.Concat(rep.SetupRequests.Actions, rep.Requests.Actions, []ActionFigures{rep.Requests.Total})
	for _, a := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t\n", a.Action, a.Requests, a.C2, a.C3, a.C4, a.C5, a.Transport,
			ms(a.P50), ms(a.P90), ms(a.P99), ms(a.Max))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nAcknowledged writes: %s\n", writeCounts(rep.Writes))
	fmt.Fprintf(w, "Checked %d writes with %d requests (%d 5xx, %d errors): %d lost, %d misplaced\n",
		rep.Verify.Checked, rep.VerifyRequests.Total.Requests, rep.VerifyRequests.Total.C5, rep.VerifyRequests.Total.Transport,
		rep.Verify.Lost, rep.Verify.Misplaced)
	for _, s := range slices.Concat(rep.SetupRequests.Samples, rep.Requests.Samples, rep.VerifyRequests.Samples, rep.Verify.Problems) {
		fmt.Fprintln(w, "  !", s)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func writeCounts(c map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Summary is the report on one line of JSON, for scripts.
func (rep *Report) Summary() string {
	t := rep.Requests.Total
	writes := 0
	for _, n := range rep.Writes {
		writes += n
	}
	s := struct {
		Members   int            `json:"members"`
		Seconds   float64        `json:"seconds"`
		Requests  int            `json:"requests"`
		RPS       float64        `json:"rps"`
		S2xx      int            `json:"2xx"`
		S3xx      int            `json:"3xx"`
		S4xx      int            `json:"4xx"`
		S5xx      int            `json:"5xx"`
		Errors    int            `json:"transport_errors"`
		P50       float64        `json:"p50_ms"`
		P99       float64        `json:"p99_ms"`
		Writes    int            `json:"writes"`
		ByKind    map[string]int `json:"writes_by_kind"`
		Lost      int            `json:"lost"`
		Misplaced int            `json:"misplaced"`
		OK        bool           `json:"ok"`
	}{
		rep.Members, round(rep.Elapsed.Seconds()), t.Requests, round(rep.RequestsPerSecond()),
		t.C2, t.C3, t.C4, t.C5 + rep.SetupRequests.Total.C5 + rep.VerifyRequests.Total.C5,
		t.Transport + rep.SetupRequests.Total.Transport + rep.VerifyRequests.Total.Transport,
		round(float64(t.P50) / 1e6), round(float64(t.P99) / 1e6),
		writes, rep.Writes, rep.Verify.Lost, rep.Verify.Misplaced, !rep.Failed(),
	}
	b, _ := json.Marshal(s)
	return "LOAD " + string(b)
}

func round(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
