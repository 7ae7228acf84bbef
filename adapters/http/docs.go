package http

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

// The docs page: Swagger UI (npm swagger-ui-dist, embedded, no
// CDN) rendering /openapi.json, with a panel that signs every "Try it out"
// request (docsui/leida-docs.js). None of these paths is in the route table:
// they are not the legacy contract and need no signature.

//go:embed docsui/index.html docsui/leida-docs.js docsui/leida-docs.css docsui/swagger-ui
var docsFiles embed.FS

// Paths of the docs.
const (
	DocsPath    = "/docs"
	OpenAPIPath = "/openapi.json"
)

// registerDocs serves /openapi.json, /docs (and its assets) and the home page.
func registerDocs(e *echo.Echo) {
	get := []string{http.MethodGet, http.MethodHead}
	e.Match(get, OpenAPIPath, serveOpenAPI)
	e.Match(get, DocsPath, serveDocsFile("index.html"))
	e.Match(get, DocsPath+"/*", func(c echo.Context) error { return serveDocsFile(c.Param("*"))(c) })
	e.Match(get, "/", serveHome)
}

// serveDocsFile answers one embedded file of docsui/.
func serveDocsFile(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := path.Clean("/" + name)[1:]
		b, err := fs.ReadFile(docsFiles, "docsui/"+name)
		if err != nil || name == "" {
			return errs.UnknownRoute()
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = echo.MIMEOctetStream
		}
		cache := "no-cache"
		if strings.HasPrefix(name, "swagger-ui/") {
			cache = "public, max-age=86400"
		}
		c.Response().Header().Set(echo.HeaderCacheControl, cache)
		return c.Blob(http.StatusOK, ct, b)
	}
}

// homePage is GET /: where to start.
const homePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Leida</title><link rel="icon" href="data:,"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>Leida (雷达)</h1>
<p>The backend of the smart business card and sales radar, serving the legacy <code>/zhugeleida/...</code> API.</p>
<ul>
<li><a href="/docs">/docs</a> — the API, with signed “Try it out” requests</li>
<li><a href="/openapi.json">/openapi.json</a> — the OpenAPI 3.1 document</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a> — health</li>
</ul>
</body></html>
`

func serveHome(c echo.Context) error {
	return c.HTML(http.StatusOK, homePage)
}
