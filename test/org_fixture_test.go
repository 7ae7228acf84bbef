package test

import (
	"strconv"
	"testing"

	lt "leida/test/leidatest"
)

// orgWorld is two companies, each with an admin and a member, plus the
// platform admin: the cast of the organisation tests.
type orgWorld struct {
	companyA, companyB int64
	nameA, nameB       string
	adminA, memberA    lt.Principal
	adminB, memberB    lt.Principal
	root               lt.Principal
}

func newOrgWorld(t *testing.T) orgWorld {
	t.Helper()
	w := orgWorld{root: srv.Admin, nameA: lt.Unique("甲公司"), nameB: lt.Unique("乙公司")}
	w.companyA = srv.NewCompany(t, w.nameA)
	w.companyB = srv.NewCompany(t, w.nameB)
	w.adminA = srv.NewUser(t, w.companyA, lt.CompanyAdmin, lt.Unique("adminA"))
	w.memberA = srv.NewUser(t, w.companyA, lt.Member, lt.Unique("memberA"))
	w.adminB = srv.NewUser(t, w.companyB, lt.CompanyAdmin, lt.Unique("adminB"))
	w.memberB = srv.NewUser(t, w.companyB, lt.Member, lt.Unique("memberB"))
	return w
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
