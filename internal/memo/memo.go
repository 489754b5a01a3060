// Package memo remembers the results of pure functions of a text, such as
// turning a post's Markdown into HTML, for the pages that ask for the same
// ones again and again. Keyed by the text itself, a result is never stale.
package memo

import lru "github.com/hashicorp/golang-lru/v2"

// Func is fn with its results for recent texts kept: at most size of
// them, and only for texts of up to maxText bytes, so the memory it holds
// is bounded.
type Func[V any] struct {
	fn      func(string) V
	maxText int
	cache   *lru.Cache[string, V]
}

// New returns fn remembered. size must be at least 1.
func New[V any](size, maxText int, fn func(string) V) *Func[V] {
	c, err := lru.New[string, V](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Func[V]{fn: fn, maxText: maxText, cache: c}
}

// Get returns fn(text), from what is kept when it can.
func (f *Func[V]) Get(text string) V {
	if len(text) > f.maxText {
		return f.fn(text)
	}
	if v, ok := f.cache.Get(text); ok {
		return v
	}
	v := f.fn(text)
	f.cache.Add(text, v)
	return v
}
