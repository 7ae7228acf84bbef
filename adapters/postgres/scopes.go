package postgres

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/org"
	"leida/domain/paging"
)

// scope is a reusable part of a statement (GORM's Scopes).
type scope = func(*gorm.DB) *gorm.DB

// tenant is the tenant key: the company_id of the statement's table (or of
// the alias its Table names) is companyID.
func tenant(companyID int64) scope { return tenantOf(clause.CurrentTable, companyID) }

// tenantOf is tenant for the table or alias named table (one side of a join).
func tenantOf(table string, companyID int64) scope {
	return func(q *gorm.DB) *gorm.DB {
		return q.Where(clause.Eq{Column: clause.Column{Table: table, Name: "company_id"}, Value: companyID})
	}
}

// orgScope restricts column (a company id) to the organisation scope.
func orgScope(s org.Scope, column string) scope {
	return func(q *gorm.DB) *gorm.DB {
		if s.AllCompanies {
			return q
		}
		return q.Where(column+" = ?", s.CompanyID)
	}
}

// paged reads one page (length 0: every row).
func paged(p paging.Page) scope {
	return func(q *gorm.DB) *gorm.DB {
		if p.Length <= 0 {
			return q
		}
		return q.Offset(p.Offset()).Limit(p.Length)
	}
}

// with is a WITH clause (common table expressions: SQL and its Vars) ahead
// of a query GORM builds; GORM has no clause for it.
type with clause.Expr

// ModifyStatement adds the clause and builds it first.
func (w with) ModifyStatement(stmt *gorm.Statement) {
	stmt.Clauses["WITH"] = clause.Clause{Name: "WITH", Expression: clause.Expr(w)}
	stmt.BuildClauses = append([]string{"WITH"}, stmt.DB.Callback().Query().Clauses...)
}

// Build is never called: ModifyStatement places the clause.
func (with) Build(clause.Builder) {}
