// Package memberdata gathers everything Involve stores about a member, for
// the data download, and removes it, for account deletion. Each capability
// registers a Part; nothing about a member may live outside some Part.
package memberdata

import (
	"context"
	"fmt"

	"involve/internal/db"
)

// Mode is what a member chose to happen to what they wrote when they leave.
type Mode string

const (
	// Remove deletes what the member wrote.
	Remove Mode = "remove"
	// Anonymise keeps what the member wrote, with no link to them, so that
	// a discussion others took part in still reads.
	Anonymise Mode = "anonymise"
)

// Part is one capability's share of a member's data.
type Part interface {
	// Name is the key of this part in the JSON download.
	Name() string
	// Export returns the member's data, ready for encoding/json.
	Export(ctx context.Context, q db.Querier, memberID int64) (any, error)
	// Erase removes or anonymises the member's data inside tx; the member
	// row itself is deleted after every part has run.
	Erase(ctx context.Context, tx db.Querier, memberID int64, mode Mode) error
}

// Registry holds the parts in the order they were registered.
type Registry struct {
	db    *db.DB
	parts []Part
}

// NewRegistry returns an empty registry on d.
func NewRegistry(d *db.DB) *Registry { return &Registry{db: d} }

// Register adds a part.
func (r *Registry) Register(p Part) { r.parts = append(r.parts, p) }

// Parts returns the registered parts.
func (r *Registry) Parts() []Part { return r.parts }

// Export collects every part into one document.
func (r *Registry) Export(ctx context.Context, memberID int64) (map[string]any, error) {
	out := make(map[string]any, len(r.parts))
	for _, p := range r.parts {
		v, err := p.Export(ctx, r.db, memberID)
		if err != nil {
			return nil, fmt.Errorf("memberdata: export %s: %w", p.Name(), err)
		}
		out[p.Name()] = v
	}
	return out, nil
}

// Erase deletes a member in one transaction: each part in reverse order of
// registration (later capabilities build on earlier ones), then the member.
// If any part fails nothing is removed.
func (r *Registry) Erase(ctx context.Context, memberID int64, mode Mode) error {
	return r.db.Tx(ctx, func(tx *db.Tx) error {
		for i := len(r.parts) - 1; i >= 0; i-- {
			if err := r.parts[i].Erase(ctx, tx, memberID, mode); err != nil {
				return fmt.Errorf("memberdata: erase %s: %w", r.parts[i].Name(), err)
			}
		}
		res, err := tx.Exec(ctx, `DELETE FROM members WHERE id = ?`, memberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("memberdata: member %d: %w", memberID, db.ErrNotFound)
		}
		return nil
	})
}
