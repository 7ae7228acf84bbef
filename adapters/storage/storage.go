// Package storage keeps files (QR codes, uploads) in a local directory that
// the HTTP server exposes under /statics/.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"leida/ports"
)

// Local implements ports.FileStore under Root.
type Local struct{ Root string }

var _ ports.FileStore = Local{}

// name checks relPath (slash-separated) and returns it in OS form. It must
// stay inside Root: no absolute paths, no ".." escaping after cleaning.
func name(relPath string) (string, error) {
	p := filepath.FromSlash(relPath)
	if relPath == "" || filepath.IsAbs(p) || path.IsAbs(relPath) || !filepath.IsLocal(p) {
		return "", fmt.Errorf("storage: path %q is not inside the storage root", relPath)
	}
	return filepath.Clean(p), nil
}

// open opens Root as an os.Root, which also refuses symlinks leading outside it.
func (l Local) open(create bool) (*os.Root, error) {
	if l.Root == "" {
		return nil, errors.New("storage: root not set")
	}
	if create {
		if err := os.MkdirAll(l.Root, 0o755); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
	}
	return os.OpenRoot(l.Root)
}

// Save writes data to a temporary file next to relPath and renames it into
// place, so readers (the static file server) never see a half-written file.
func (l Local) Save(ctx context.Context, relPath string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := name(relPath)
	if err != nil {
		return err
	}
	root, err := l.open(true)
	if err != nil {
		return err
	}
	defer root.Close()

	if dir := filepath.Dir(n); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("storage: %w", err)
		}
	}
	suffix := make([]byte, 8)
	if _, err := rand.Read(suffix); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(n), "."+filepath.Base(n)+".tmp-"+hex.EncodeToString(suffix))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = root.Rename(tmp, n)
	}
	if werr != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("storage: %w", werr)
	}
	return nil
}

// Delete removes relPath; a missing file (or root) is not an error.
func (l Local) Delete(ctx context.Context, relPath string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := name(relPath)
	if err != nil {
		return err
	}
	root, err := l.open(false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer root.Close()
	if err := root.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}
