package http

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// utf8BOM makes Excel read a CSV file as UTF-8 (without it, Chinese shows as
// mojibake in the Windows code page).
const utf8BOM = "\ufeff"

// csvFlushEvery is how many rows go out per flush: the export streams in
// constant memory however many rows it has.
const csvFlushEvery = 500

// csvStream writes a CSV attachment row by row.
type csvStream struct {
	w    *csv.Writer
	out  http.Flusher
	rows int
}

// startCSV sends the headers of an attachment named <name>-<YYYYMMDD>.csv
// (now's day), the byte-order mark and the header row.
func startCSV(c echo.Context, name string, now time.Time, header []string) (*csvStream, error) {
	res := c.Response()
	// The server's read and write timeouts would otherwise cut a long download.
	rc := http.NewResponseController(res)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	file := fmt.Sprintf("%s-%s.csv", name, now.Format("20060102"))
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, file))
	res.Header().Set("Cache-Control", "no-store")
	res.Header().Set("X-Content-Type-Options", "nosniff")
	res.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(res, utf8BOM); err != nil {
		return nil, err
	}
	s := &csvStream{w: csv.NewWriter(res), out: res}
	s.w.UseCRLF = true // what Excel writes, and RFC 4180
	return s, s.w.Write(header)
}

// Row writes one row, each cell neutralised against formula injection.
func (s *csvStream) Row(cells ...string) error {
	for i, v := range cells {
		cells[i] = neutralizeCell(v)
	}
	if err := s.w.Write(cells); err != nil {
		return err
	}
	s.rows++
	if s.rows%csvFlushEvery == 0 {
		s.w.Flush()
		s.out.Flush()
		return s.w.Error()
	}
	return nil
}

// Close flushes what is left.
func (s *csvStream) Close() error {
	s.w.Flush()
	s.out.Flush()
	return s.w.Error()
}

// neutralizeCell keeps a spreadsheet from reading text as a formula: a cell
// that starts with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before them) gets a leading apostrophe, which Excel
// shows as text and hides (OWASP "CSV injection").
func neutralizeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
