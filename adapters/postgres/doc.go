// Package postgres is the persistence adapter: GORM over PostgreSQL, the
// transaction runner, repositories and migrations.
//
// How a repository talks to the database:
//
//   - Rows are models: one struct per table, named after it (roleRow,
//     userRow, logRow, ...) with TableName(). A read that joins other tables
//     names them by alias (Table("users u")) and scans into a view that
//     embeds the model (userView) beside the joined columns.
//   - Inserts are Create(&model): the database fills id and each column the
//     model tags `default:` (created_at: the database's clock unless the
//     caller set the time; `autoCreateTime:false` where the caller's clock
//     always decides); every other field is written as it is, zero values
//     included.
//   - Statements are built with GORM and the scopes of scopes.go: tenant
//     (company_id = ?, the tenant key) in every statement about a company's
//     rows, paged for LIMIT/OFFSET from a paging.Page, orgScope for the
//     organisation scope, visibleTo for the customers a viewer sees. Lists
//     page through page/pageCounted (query.go). The few statements without
//     the tenant key find the tenant (Owner, RepOfCustomer) or span tenants
//     by design (a customer's memberships, the AI's pooled counts and
//     queue, the streams keyed by principal).
//   - Raw SQL (Raw/Exec) only where SQL earns it, each with a one-line
//     "Raw SQL:" comment saying why: upserts (ON CONFLICT), claim-once feeds
//     and queues (FOR UPDATE SKIP LOCKED, data-modifying CTEs with
//     RETURNING), the rollup maintenance and the stream's SQL functions,
//     advisory locks and SET LOCAL, LISTEN, migrations, and the analytic
//     reads GORM cannot express cleanly (arrays joined with unnest, lateral
//     joins). The radar rollups and chat summaries are kept by triggers in
//     the transaction of the writes they summarise.
//   - Transactions come from the TxRunner: DB.Run puts the transaction in
//     ctx and conn(ctx) uses it (nested calls join it), so a repository
//     method never opens one beside its caller's.
package postgres
