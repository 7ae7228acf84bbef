package http

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestNeutralizeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+86 138":                  "'+86 138",
		"-1":                       "'-1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"王小明":                      "王小明",
		"a=b":                      "a=b",
		"":                         "",
		"'quoted":                  "'quoted",
	} {
		if got := neutralizeCell(in); got != want {
			t.Errorf("neutralizeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVStreamWritesBOMHeaderAndQuotedRows(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	loc := time.FixedZone("CST", 8*3600)
	s, err := startCSV(c, "customers", time.Date(2026, 12, 1, 23, 30, 0, 0, loc), []string{"姓名", "电话"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]string{{"王小明", "=1+1"}, {"a,b", "say \"hi\"\nbye"}} {
		if err := s.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff姓名,电话\r\n王小明,'=1+1\r\n\"a,b\",\"say \"\"hi\"\"\r\nbye\"\r\n" // UseCRLF writes a newline inside a cell as CRLF too
	if got := rec.Body.String(); got != want {
		t.Fatalf("body %q\nwant %q", got, want)
	}
	h := rec.Header()
	if h.Get("Content-Type") != "text/csv; charset=utf-8" || h.Get("Content-Disposition") != `attachment; filename="customers-20261201.csv"` {
		t.Fatalf("headers %v", h)
	}
}

func TestCSVStreamFlushesAsItGoes(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	s, err := startCSV(c, "actions", time.Now(), []string{"n"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < csvFlushEvery; i++ {
		if err := s.Row(strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Before Close: the first csvFlushEvery rows are already out.
	if n := strings.Count(rec.Body.String(), "\r\n"); n != csvFlushEvery+1 || !rec.Flushed {
		t.Fatalf("%d lines out before Close (flushed %v)", n, rec.Flushed)
	}
}
