// Package postgres is the persistence adapter: GORM over PostgreSQL, the
// transaction runner, repositories and migrations.
//
// How a repository talks to the database:
//
//   - Rows are models: one struct per table, named after it (roleRow,
//     userRow, ...) with TableName(). A read that joins other tables scans
//     into a view that embeds the model (userView) and adds the joined
//     columns.
//   - Inserts are Create(&model): the database fills id and every column
//     it has a default for that the model tags `default:` (created_at is
//     the database's clock unless the caller set the time); every other
//     field is written as it is, zero values included.
//   - Statements are built with GORM and the scopes of scopes.go: tenant
//     (company_id = ?, the tenant key) in every statement about a company's
//     rows, paged for LIMIT/OFFSET from paging.Page, orgScope for the
//     organisation scope. Lists go through page/pageCounted (query.go).
//   - Raw SQL (Raw/Exec) only where SQL earns it, each with a one-line
//     "Raw SQL:" comment saying why: upserts (ON CONFLICT with expressions),
//     claim-once feeds and queues (FOR UPDATE SKIP LOCKED, data-modifying
//     CTEs), row locks GORM has no clause for (FOR NO KEY UPDATE) and
//     deletes that must return the row, the rollup and summary maintenance,
//     advisory locks, SET LOCAL, the stream functions and LISTEN/NOTIFY,
//     migrations, and the analytic reads (unnest joins, lateral joins,
//     FILTER aggregates) GORM cannot express cleanly.
//   - Transactions come from the TxRunner: DB.Run puts the transaction in
//     ctx and conn(ctx) uses it, so a repository method never opens one of
//     its own beside the caller's; counters and rollups are written in the
//     transaction of the writes they summarise.
package postgres
