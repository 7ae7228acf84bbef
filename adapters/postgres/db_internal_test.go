package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var dryRun = &gorm.Session{DryRun: true}

func TestConnectionsPlanPreparedStatementsOnce(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@h/db?sslmode=disable":                    "plan_cache_mode=force_generic_plan",
		"postgres://u@h/db?plan_cache_mode=auto&sslmode=x":     "plan_cache_mode=auto",
		"host=h dbname=db":                                     "host=h dbname=db", // keyword form: left alone
		"postgresql://u@h/db":                                  "plan_cache_mode=force_generic_plan",
		"postgres://u@h/db?options=-c%20statement_timeout%3D1": "plan_cache_mode=force_generic_plan",
	} {
		if got := withGenericPlans(in); !strings.Contains(got, want) {
			t.Errorf("%s → %s, want %s in it", in, got, want)
		}
	}
}

func TestLimitsAreWrittenAsNumbers(t *testing.T) {
	db, err := Open("postgres://postgres@127.0.0.1:1/none?sslmode=disable", time.UTC) // lazy: never connects
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sql := db.gorm.WithContext(context.Background()).Session(dryRun).Table("users").Limit(10).Offset(20).Find(&[]struct{ ID int64 }{}).Statement.SQL.String()
	if !strings.Contains(sql, "LIMIT 10 OFFSET 20") {
		t.Fatalf("%s", sql)
	}
	sql = db.gorm.Session(dryRun).Table("users").Clauses(clause.Limit{Offset: 5}).Find(&[]struct{ ID int64 }{}).Statement.SQL.String()
	if !strings.HasSuffix(sql, "OFFSET 5") {
		t.Fatalf("%s", sql)
	}
}
