package postgres

import (
	"context"
	"database/sql"
)

// Tests outside the package reach the pool through these.

// ExecForTest runs a statement on the pool (or ctx's transaction), its error
// translated as the repositories' are.
func (d *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	return translate(d.conn(ctx).Exec(q, args...).Error)
}

// ScalarForTest reads one value, its error translated.
func (d *DB) ScalarForTest(ctx context.Context, dest any, q string, args ...any) error {
	return translate(d.conn(ctx).Raw(q, args...).Row().Scan(dest))
}

// PoolForTest is the pool itself (for its statistics).
func (d *DB) PoolForTest() *sql.DB {
	sqlDB, _ := d.gorm.DB()
	return sqlDB
}
