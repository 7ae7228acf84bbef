package http

import (
	"bytes"
	"embed"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/customer"
	"leida/domain/org"
)

// The default avatars the API returns (org.DefaultUserAvatar,
// customer.DefaultAvatar), embedded so that they are served even when
// MEDIA_ROOT lacks them.
//
//go:embed assets/imgs/setAvator.jpg assets/imgs/Avator.jpg
var defaultAvatars embed.FS

// builtAt stands for the embedded files' modification time (for caches).
var builtAt = time.Now().UTC().Truncate(time.Second)

// serveDefaultAvatars routes each default avatar's path: the file under
// MEDIA_ROOT when there is one (an installation may brand it), else the
// embedded image.
func serveDefaultAvatars(e *echo.Echo, mediaRoot string) {
	for _, rel := range []string{org.DefaultUserAvatar, customer.DefaultAvatar} {
		name := path.Base(rel)
		data, err := defaultAvatars.ReadFile("assets/imgs/" + name)
		if err != nil {
			panic(err) // embedded above: cannot happen
		}
		onDisk := ""
		if mediaRoot != "" {
			// statics/imgs/x.jpg is MEDIA_ROOT/imgs/x.jpg (statics/ is MEDIA_ROOT).
			onDisk = filepath.Join(mediaRoot, filepath.FromSlash(path.Dir(rel)[len("statics"):]), name)
		}
		h := func(c echo.Context) error {
			if onDisk != "" {
				if st, err := os.Stat(onDisk); err == nil && st.Mode().IsRegular() {
					return c.File(onDisk)
				}
			}
			c.Response().Header().Set(echo.HeaderContentType, "image/jpeg")
			c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=86400")
			http.ServeContent(c.Response(), c.Request(), name, builtAt, bytes.NewReader(data))
			return nil
		}
		e.GET("/"+rel, h)
		e.HEAD("/"+rel, h)
	}
}
