package guide

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// DiffLine is one line of a readable diff between two revisions.
type DiffLine struct {
	Op   string // "same", "added" or "removed"
	Text string
}

// Diff compares two texts line by line, the way editors think of a page:
// whole paragraphs and list items added or removed. Long runs of unchanged
// lines are cut to a little context around each change.
func Diff(from, to string) []DiffLine {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(from, to)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []DiffLine
	for _, d := range diffs {
		op := "same"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "added"
		case diffmatchpatch.DiffDelete:
			op = "removed"
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l == "" {
				continue
			}
			out = append(out, DiffLine{Op: op, Text: strings.TrimSuffix(l, "\n")})
		}
	}
	return withContext(out, 2)
}

// withContext keeps n unchanged lines around each change and replaces the
// rest of each unchanged run with one "…" line.
func withContext(lines []DiffLine, n int) []DiffLine {
	keep := make([]bool, len(lines))
	for i, l := range lines {
		if l.Op == "same" {
			continue
		}
		for j := max(0, i-n); j <= min(len(lines)-1, i+n); j++ {
			keep[j] = true
		}
	}
	var out []DiffLine
	gap := false
	for i, l := range lines {
		if keep[i] {
			out = append(out, l)
			gap = false
			continue
		}
		if !gap {
			out = append(out, DiffLine{Op: "gap", Text: "…"})
			gap = true
		}
	}
	return out
}
