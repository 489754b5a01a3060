package notify

import (
	"sort"
	"strings"
	"unicode/utf8"

	"involve/internal/i18n"
)

// GenericKey is the text shown for a kind that has no message.
const GenericKey = "notifications.generic"

// maxParam bounds a param as shown: params are names and titles, and a
// longer one is cut rather than filling an email or a page.
const maxParam = 120

// Key is the message key of a kind.
func Key(kind string) string { return "notify." + kind }

// Text is a notification in the reader's language: the message
// "notify.<kind>" with the params as arguments in the sorted order of
// their names, or a general text when the kind has no message.
func Text(p *i18n.Printer, n Notification) string {
	key := Key(n.Kind)
	if n.Kind == "" || !p.HasKey(key) {
		return p.T(GenericKey)
	}
	return p.T(key, Args(n.Params)...)
}

// Args returns the params' values in the sorted order of their names.
func Args(params map[string]string) []any {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	args := make([]any, len(names))
	for i, k := range names {
		args[i] = clip(params[k])
	}
	return args
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxParam {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxParam-1])) + "…"
}

// Link is where a notification leads: its URL when that is a path on this
// site, else the notification centre.
func Link(n Notification) string {
	u := n.URL
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") || strings.ContainsAny(u, "\r\n") {
		return "/notifications"
	}
	return u
}
