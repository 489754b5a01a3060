package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
)

// Form is a submitted form: what was typed, kept to show again, and a
// message key for every field that was wrong.
type Form struct {
	Values url.Values
	Errors map[string]string // field name -> message key
	Args   map[string][]any  // field name -> arguments of its message, if any
}

func newForm() *Form { return &Form{Values: url.Values{}, Errors: map[string]string{}} }

// parseForm reads a POSTed form. Values are cleaned of control characters
// (but not newlines or tabs) so nothing invisible is stored.
func parseForm(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		// A body no browser would send (a broken %-escape, say) is the
		// sender's mistake, not ours.
		return nil, &httpError{status: http.StatusBadRequest, msg: "error.generic", err: err}
	}
	f := newForm()
	for k, vs := range r.PostForm {
		for _, v := range vs {
			f.Values.Add(k, cleanText(v))
		}
	}
	return f, nil
}

func cleanText(s string) string {
	// Invalid UTF-8 would be refused by PostgreSQL and stored as is by
	// SQLite; replace it so both keep the same valid text.
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isUnwanted) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isUnwanted(r) {
			return -1
		}
		return r
	}, s)
}

func isUnwanted(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r') || r == '\uFEFF'
}

// Get returns the trimmed value of a field.
func (f *Form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Raw returns a field's value as typed (passphrases are not trimmed).
func (f *Form) Raw(name string) string { return f.Values.Get(name) }

// Fail records a problem with a field; the first one recorded stands.
func (f *Form) Fail(name, key string) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = key
	}
}

// FailWith records a problem with a field whose message takes arguments
// (a date, say); the first problem recorded stands.
func (f *Form) FailWith(name, key string, args ...any) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = key
		if f.Args == nil {
			f.Args = map[string][]any{}
		}
		f.Args[name] = args
	}
}

// Check records key against name when bad is true.
func (f *Form) Check(bad bool, name, key string) {
	if bad {
		f.Fail(name, key)
	}
}

// Valid reports whether no field failed.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// Field is everything a template needs to draw one form control.
type Field struct {
	ID           string
	Name         string
	Type         string // text, password, email, url, textarea, select
	Label        string
	Hint         string
	Value        string
	Error        string
	Autocomplete string
	Required     bool
	Options      []Option
}

// Option is one choice of a select or radio group.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Field builds a control from a form: name, type, the label's message key,
// then optionally the hint's key ("" for none), the autocomplete token and
// "required". Passphrase fields never echo what was typed.
func (b *Base) Field(f *Form, name, typ, labelKey string, more ...string) Field {
	fd := Field{ID: "f-" + name, Name: name, Type: typ, Label: b.T(labelKey)}
	if f != nil {
		if typ != "password" {
			fd.Value = f.Values.Get(name)
		}
		if key, ok := f.Errors[name]; ok {
			fd.Error = b.T(key, f.Args[name]...)
		}
	}
	if len(more) > 0 && more[0] != "" {
		fd.Hint = b.T(more[0])
	}
	if len(more) > 1 {
		fd.Autocomplete = more[1]
	}
	if len(more) > 2 && more[2] == "required" {
		fd.Required = true
	}
	return fd
}

// Choice builds a select from a form; each option value v is labelled with
// the message key prefix+v.
func (b *Base) Choice(f *Form, name, labelKey, prefix string, values ...string) Field {
	fd := b.Field(f, name, "select", labelKey)
	for _, v := range values {
		key := prefix + v
		if v == "" {
			key = "form.choose" // the "nothing chosen yet" option
		}
		fd.Options = append(fd.Options, Option{Value: v, Label: b.T(key), Selected: fd.Value == v})
	}
	return fd
}

// ErrorSummary lists a form's problems at its top, each linking to its field.
type ErrorSummary struct {
	Heading string
	Items   []Field
}

// ErrorList builds the summary, in the given field order, or nil when the
// form has no problem.
func (b *Base) ErrorList(f *Form, order ...string) *ErrorSummary {
	if f == nil || f.Valid() {
		return nil
	}
	es := &ErrorSummary{Heading: b.N("form.problems", len(f.Errors))}
	seen := map[string]bool{}
	add := func(name, key string) {
		es.Items = append(es.Items, Field{ID: "f-" + name, Error: b.T(key, f.Args[name]...)})
		seen[name] = true
	}
	for _, name := range order {
		if key, ok := f.Errors[name]; ok {
			add(name, key)
		}
	}
	var rest []string
	for name := range f.Errors {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		add(name, f.Errors[name])
	}
	return es
}
