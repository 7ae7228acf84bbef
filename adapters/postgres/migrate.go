package postgres

import (
	"context"
	"database/sql"
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

// provider runs migrations on a connection of its own, without the serving
// pool's statement_timeout (a migration may rewrite a large table); close
// releases it.
func (d *DB) provider() (p *goose.Provider, close func(), err error) {
	sqlDB, err := sql.Open("pgx", d.migrateDSN)
	if err != nil {
		return nil, nil, err
	}
	if p, err = goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS); err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return p, func() { _ = sqlDB.Close() }, nil
}

// MigrateUp applies every pending migration, then makes the radar rollups
// cut days in the configured zone; it returns how many migrations ran. The
// database being down is an errs.Unavailable error (leida serve retries).
func (d *DB) MigrateUp(ctx context.Context) (int, error) {
	p, done, err := d.provider()
	if err != nil {
		return 0, err
	}
	defer done()
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
		// A rebuild reads every log: no statement_timeout for it.
		// Raw SQL: SET LOCAL has no GORM form.
		if err := db.Exec(`SET LOCAL statement_timeout = 0`).Error; err != nil {
			return err
		}
		// Raw SQL: a one-row settings table read under lock, then a SQL function.
		if err := db.Raw(`SELECT zone FROM radar_rollup_zone FOR UPDATE`).Scan(&stored).Error; err != nil {
			return err
		}
		if stored == zone {
			return nil
		}
		// Raw SQL: the rollup maintenance's one-row settings table, beside the rebuild below.
		if err := db.Exec(`UPDATE radar_rollup_zone SET zone = ?`, zone).Error; err != nil {
			return err
		}
		rebuilt = true
		// Raw SQL: the rollups' rebuild is a SQL function.
		return db.Exec(`SELECT leida_radar_rebuild()`).Error
	})
	return rebuilt, translate(err)
}

// MigrateDown rolls back the latest migration.
func (d *DB) MigrateDown(ctx context.Context) error {
	p, done, err := d.provider()
	if err != nil {
		return err
	}
	defer done()
	_, err = p.Down(ctx)
	return err
}

// MigrationStatuses lists every migration and whether it is applied.
func (d *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, done, err := d.provider()
	if err != nil {
		return nil, err
	}
	defer done()
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
