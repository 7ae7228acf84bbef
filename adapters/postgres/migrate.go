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

// MigrateUp applies every pending migration, then makes the radar rollups
// cut days in the configured zone; it returns how many migrations ran.
func (d *DB) MigrateUp(ctx context.Context) (int, error) {
	p, err := d.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), translate(fmt.Errorf("migrate up: %w", err))
	}
	if _, err := d.SyncRollupZone(ctx); err != nil {
		return len(res), err
	}
	return len(res), nil
}

// SyncRollupZone makes the radar's per-day rollups cut days in the
// configured zone (TIME_ZONE), in which radar windows are calendar days:
// when the zone changed, it rebuilds them from the raw logs (writes of logs
// wait meanwhile) and reports true.
func (d *DB) SyncRollupZone(ctx context.Context) (rebuilt bool, err error) {
	zone := d.loc.String()
	if zone == "Local" {
		return false, fmt.Errorf("TIME_ZONE: name a zone (e.g. Asia/Shanghai) for the radar's daily rollups")
	}
	err = d.Run(ctx, func(ctx context.Context) error {
		var stored string
		db := d.conn(ctx)
		// Raw SQL: a one-row settings table read under lock, then a SQL function.
		if err := db.Raw(`SELECT zone FROM radar_rollup_zone FOR UPDATE`).Scan(&stored).Error; err != nil {
			return err
		}
		if stored == zone {
			return nil
		}
		if err := db.Exec(`UPDATE radar_rollup_zone SET zone = ?`, zone).Error; err != nil {
			return err
		}
		rebuilt = true
		return db.Exec(`SELECT leida_radar_rebuild()`).Error
	})
	return rebuilt, translate(err)
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
