package web

import (
	"errors"
	"net/http"

	"involve/internal/db"
)

// handlerFunc is an HTTP handler that returns its error instead of writing
// it; serve turns the error into a page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is an error with the status to answer and the message key to
// show; the wrapped cause goes to the log, never to the reader.
type httpError struct {
	status int
	msg    string // message key
	err    error
}

func (e *httpError) Error() string {
	if e.err != nil {
		return http.StatusText(e.status) + ": " + e.err.Error()
	}
	return http.StatusText(e.status)
}

func (e *httpError) Unwrap() error { return e.err }

func notFound() error             { return &httpError{status: http.StatusNotFound, msg: "error.not_found"} }
func forbidden() error            { return &httpError{status: http.StatusForbidden, msg: "error.forbidden"} }
func badRequest(msg string) error { return &httpError{status: http.StatusBadRequest, msg: msg} }

// statusOf maps an error to the status and message key of its page.
func statusOf(err error) (int, string) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		msg := he.msg
		if msg == "" {
			msg = "error.generic"
		}
		return he.status, msg
	case errors.Is(err, db.ErrNotFound):
		return http.StatusNotFound, "error.not_found"
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, "error.too_large"
	}
	return http.StatusInternalServerError, "error.server"
}
