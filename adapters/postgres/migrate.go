package postgres

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"

	"leida/migrations"
)

// MigrationStatus is one line of `leida migrate status`.
type MigrationStatus struct {
	Version int64
	Source  string
	Applied bool
}

func (d *DB) provider() (*goose.Provider, error) {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
}

// MigrateUp applies every pending migration and returns how many ran.
func (d *DB) MigrateUp(ctx context.Context) (int, error) {
	p, err := d.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), translate(fmt.Errorf("migrate up: %w", err))
	}
	return len(res), nil
}

// MigrateDown rolls back the latest migration.
func (d *DB) MigrateDown(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	_, err = p.Down(ctx)
	return err
}

// MigrationStatuses lists every migration and whether it is applied.
func (d *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Source: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}
